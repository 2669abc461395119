import { DomainError, DomainErrorKind } from '@hotline/common';

export enum AcdErrorCode {
  AgentNotFound = 'AGENT_NOT_FOUND',
  SeatNotFound = 'SEAT_NOT_FOUND',
  SeatTaken = 'SEAT_TAKEN',
  AgentLoggedInElsewhere = 'AGENT_LOGGED_IN_ELSEWHERE',
  AgentBusy = 'AGENT_BUSY',
  AgentLoggedOut = 'AGENT_LOGGED_OUT',
  SkillNotFound = 'SKILL_NOT_FOUND',
}

export class AcdRefusedError extends DomainError {
  readonly kind: DomainErrorKind;
  constructor(code: AcdErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.kind = code === AcdErrorCode.AgentNotFound || code === AcdErrorCode.SeatNotFound || code === AcdErrorCode.SkillNotFound ? DomainErrorKind.NotFound : DomainErrorKind.Conflict;
  }
}
