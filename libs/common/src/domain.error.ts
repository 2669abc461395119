/**
 * What kind of refusal a domain error is. Every bounded context's errors extend DomainError; the api maps
 * kinds to HTTP in one filter, and the domain never speaks HTTP.
 */
export enum DomainErrorKind {
  Invalid = 'invalid', // 400
  Unauthenticated = 'unauthenticated', // 401
  Forbidden = 'forbidden', // 403
  NotFound = 'not_found', // 404
  Conflict = 'conflict', // 409: illegal transition, failed precondition, stale version
  TooManyRequests = 'too_many_requests', // 429
  Unavailable = 'unavailable', // 503: something it depends on (e.g. Postgres) is out for now; the same request may succeed later
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  /** A stable, machine-readable reason (a string-enum member of the context's errors file). */
  protected constructor(readonly code: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
