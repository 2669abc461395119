import { DomainError, DomainErrorKind } from '@hotline/common';

/** What the api refuses before asking call-control; each code has one HTTP status (its DomainErrorKind). */
export enum SupervisionApiErrorCode {
  CallNotFound = 'CALL_NOT_FOUND',
  CallNotInTalk = 'CALL_NOT_IN_TALK',
  NotInScope = 'NOT_IN_SCOPE',
  NoSupervisorSeat = 'NO_SUPERVISOR_SEAT',
  AgentNotFound = 'AGENT_NOT_FOUND',
  UserNotFound = 'USER_NOT_FOUND',
  UnknownSkillOrSeat = 'UNKNOWN_SKILL_OR_SEAT',
}

function kindOf(code: SupervisionApiErrorCode): DomainErrorKind {
  if (code === SupervisionApiErrorCode.NotInScope) return DomainErrorKind.Forbidden;
  if (code === SupervisionApiErrorCode.UnknownSkillOrSeat) return DomainErrorKind.Invalid;
  if (code === SupervisionApiErrorCode.CallNotInTalk || code === SupervisionApiErrorCode.NoSupervisorSeat) return DomainErrorKind.Conflict;
  return DomainErrorKind.NotFound;
}

/** Unknown or ended call, a call or agent outside the supervisor's queues, no seat to ring, bad settings. */
export class SupervisionRequestError extends DomainError {
  readonly kind: DomainErrorKind;
  constructor(code: SupervisionApiErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.kind = kindOf(code);
  }
}
