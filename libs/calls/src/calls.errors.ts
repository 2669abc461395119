import type { ApiErrorIssueDto } from '@hotline/contracts';
import { DomainError, DomainErrorKind } from '@hotline/common';

export enum CallsErrorCode {
  InvalidQuery = 'INVALID_CALLS_QUERY',
  NotFound = 'CALL_NOT_FOUND',
  Forbidden = 'CALLS_FORBIDDEN',
}

/** A request to the calls read side broke a rule; each issue names the field and the rule. */
export class InvalidCallsQueryError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;

  constructor(readonly issues: readonly ApiErrorIssueDto[]) {
    super(CallsErrorCode.InvalidQuery, issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '), { issues: [...issues] });
  }
}

export class CallNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;

  constructor(readonly callId: string) {
    super(CallsErrorCode.NotFound, `Call ${callId} not found`, { callId });
  }
}

/** The caller may read calls, but not these (another agent's history). */
export class CallsForbiddenError extends DomainError {
  readonly kind = DomainErrorKind.Forbidden;

  constructor(message: string) {
    super(CallsErrorCode.Forbidden, message, {});
  }
}
