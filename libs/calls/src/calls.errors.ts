import type { ApiErrorIssueDto } from '@hotline/contracts';

/** A request to the calls read side broke a rule; each issue names the field and the rule. */
export class InvalidCallsQueryError extends Error {
  constructor(readonly issues: readonly ApiErrorIssueDto[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
    this.name = 'InvalidCallsQueryError';
  }
}

export class CallNotFoundError extends Error {
  constructor(readonly callId: string) {
    super(`Call ${callId} not found`);
    this.name = 'CallNotFoundError';
  }
}
