import { DomainError, DomainErrorKind } from '@hotline/common';

export enum SurveyErrorCode {
  FollowUpNotFound = 'FOLLOW_UP_NOT_FOUND',
  FollowUpAlreadyClassified = 'FOLLOW_UP_ALREADY_CLASSIFIED',
  InvalidPeriod = 'INVALID_PERIOD',
  NoSurveyPolicy = 'NO_SURVEY_POLICY',
}

export class FollowUpNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(id: string) {
    super(SurveyErrorCode.FollowUpNotFound, `No follow-up ${id}`, { id });
  }
}

export class FollowUpAlreadyClassifiedError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(id: string, cause: string) {
    super(SurveyErrorCode.FollowUpAlreadyClassified, `Follow-up ${id} is already classified as ${cause}`, { id, cause });
  }
}

export class InvalidSurveyInputError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor(code: SurveyErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** A deployment whose SLA preset has no survey policy would silently survey nobody: refuse to start. */
export class NoSurveyPolicyError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor(presetCode: string) {
    super(SurveyErrorCode.NoSurveyPolicy, `No survey policy for SLA preset ${presetCode}`, { presetCode });
  }
}
