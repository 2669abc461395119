import { DomainError, DomainErrorKind } from '@hotline/common';

export enum SupervisionErrorCode {
  CallNotFound = 'CALL_NOT_FOUND',
  CallNotInTalk = 'CALL_NOT_IN_TALK',
  NotSupervising = 'NOT_SUPERVISING',
  SupervisorBusy = 'SUPERVISOR_BUSY',
  AlreadyTakenOver = 'ALREADY_TAKEN_OVER',
}

const KINDS: Record<SupervisionErrorCode, DomainErrorKind> = {
  [SupervisionErrorCode.CallNotFound]: DomainErrorKind.NotFound,
  [SupervisionErrorCode.NotSupervising]: DomainErrorKind.NotFound,
  [SupervisionErrorCode.CallNotInTalk]: DomainErrorKind.Conflict,
  [SupervisionErrorCode.SupervisorBusy]: DomainErrorKind.Conflict,
  [SupervisionErrorCode.AlreadyTakenOver]: DomainErrorKind.Conflict,
};

/** A supervisor action call-control refuses; the code and kind travel back to the api as a 404/409. */
export class SupervisionRefusedError extends DomainError {
  readonly kind: DomainErrorKind;
  constructor(code: SupervisionErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.kind = KINDS[code];
  }
}
