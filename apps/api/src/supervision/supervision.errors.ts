import { DomainError, DomainErrorKind } from '@hotline/common';

export enum SupervisionApiErrorCode {
  CallNotFound = 'CALL_NOT_FOUND',
  CallNotInTalk = 'CALL_NOT_IN_TALK',
  NotInScope = 'NOT_IN_SCOPE',
  NoSupervisorSeat = 'NO_SUPERVISOR_SEAT',
  AgentNotFound = 'AGENT_NOT_FOUND',
  UserNotFound = 'USER_NOT_FOUND',
  UnknownSkillOrSeat = 'UNKNOWN_SKILL_OR_SEAT',
}

const KINDS: Record<SupervisionApiErrorCode, DomainErrorKind> = {
  [SupervisionApiErrorCode.CallNotFound]: DomainErrorKind.NotFound,
  [SupervisionApiErrorCode.AgentNotFound]: DomainErrorKind.NotFound,
  [SupervisionApiErrorCode.UserNotFound]: DomainErrorKind.NotFound,
  [SupervisionApiErrorCode.CallNotInTalk]: DomainErrorKind.Conflict,
  [SupervisionApiErrorCode.NoSupervisorSeat]: DomainErrorKind.Conflict,
  [SupervisionApiErrorCode.NotInScope]: DomainErrorKind.Forbidden,
  [SupervisionApiErrorCode.UnknownSkillOrSeat]: DomainErrorKind.Invalid,
};

/** What the api refuses before asking call-control: unknown call, ended call, out of scope, no seat. */
export class SupervisionRequestError extends DomainError {
  readonly kind: DomainErrorKind;
  constructor(code: SupervisionApiErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.kind = KINDS[code];
  }
}
