import { DomainError, DomainErrorKind } from '@hotline/org';

export enum AuthErrorCode {
  InvalidCredentials = 'INVALID_CREDENTIALS',
  TokenMissing = 'TOKEN_MISSING',
  TokenInvalid = 'TOKEN_INVALID',
  RoleRequired = 'ROLE_REQUIRED',
  LoginLocked = 'LOGIN_LOCKED',
}

export class AuthenticationError extends DomainError {
  readonly kind = DomainErrorKind.Unauthenticated;
  constructor(code: AuthErrorCode, message: string) {
    super(code, message);
  }
}

export class RoleRequiredError extends DomainError {
  readonly kind = DomainErrorKind.Forbidden;
  constructor(required: readonly string[]) {
    super(AuthErrorCode.RoleRequired, `This needs one of the roles: ${required.join(', ')}`, { required });
  }
}

/**
 * Too many failed logins for this username or from this address: refused before the password is checked,
 * even a right one, until the lockout ends. The same answer for both scopes and for unknown usernames, so
 * it tells a guesser nothing about which accounts exist.
 */
export class LoginLockedError extends DomainError {
  readonly kind = DomainErrorKind.TooManyRequests;
  constructor(retryAfterSeconds: number) {
    super(AuthErrorCode.LoginLocked, `Too many failed logins; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}
