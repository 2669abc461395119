import { DomainError, DomainErrorKind } from '@hotline/common';

export enum TransferErrorCode {
  DestinationNotAllowed = 'TRANSFER_DESTINATION_NOT_ALLOWED',
  NotDialable = 'TRANSFER_NUMBER_NOT_DIALABLE',
  CallNotConnected = 'TRANSFER_CALL_NOT_CONNECTED',
  NotYourCall = 'TRANSFER_NOT_YOUR_CALL',
  InProgress = 'TRANSFER_IN_PROGRESS',
  NotFound = 'TRANSFER_NOT_FOUND',
  WrongState = 'TRANSFER_WRONG_STATE',
}

/** The destination is not an active entry of the centre's allow-list. */
export class TransferDestinationNotAllowedError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor(destination: string) {
    super(TransferErrorCode.DestinationNotAllowed, `${destination} is not on the transfer allow-list`, { destination });
  }
}

/** Anything but 3 to 15 digits could be read by Asterisk as dial-string syntax (AST-2010-002 class). */
export class TransferNumberNotDialableError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor() {
    super(TransferErrorCode.NotDialable, 'A transfer number is 3 to 15 digits, nothing else');
  }
}

export class TransferCallNotConnectedError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(callId: string) {
    super(TransferErrorCode.CallNotConnected, `Call ${callId} is not connected to an agent`, { callId });
  }
}

export class TransferNotYourCallError extends DomainError {
  readonly kind = DomainErrorKind.Forbidden;
  constructor(callId: string) {
    super(TransferErrorCode.NotYourCall, `Call ${callId} is not connected to you`, { callId });
  }
}

export class TransferInProgressError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(callId: string, transferId: string) {
    super(TransferErrorCode.InProgress, `Call ${callId} already has transfer ${transferId} in progress`, { callId, transferId });
  }
}

export class TransferNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(transferId: string) {
    super(TransferErrorCode.NotFound, `No transfer ${transferId} in progress on this call`, { transferId });
  }
}

export class TransferWrongStateError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(transferId: string, state: string, action: string) {
    super(TransferErrorCode.WrongState, `Transfer ${transferId} is ${state}: cannot ${action}`, { transferId, state, action });
  }
}
