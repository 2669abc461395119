import { DomainError, DomainErrorKind } from '@hotline/common';

export enum CallRecordErrorCode {
  NotWritten = 'CALL_RECORD_NOT_WRITTEN',
}

/**
 * The call's row is written behind the call; a row that references it (an audit row, a callback) waited
 * CALL_RECORD_WAIT_MS and it is still not in Postgres - Postgres is unreachable or slow. Unavailable (503),
 * not a refusal of the request itself: the same request succeeds once Postgres has caught up.
 */
export class CallRecordNotWrittenError extends DomainError {
  readonly kind = DomainErrorKind.Unavailable;
  constructor(callId: string, waitedMs: number) {
    super(CallRecordErrorCode.NotWritten, `The record of call ${callId} was not written to the database within ${waitedMs} ms (database unreachable or slow); try again shortly`, { callId, waitedMs });
  }
}
