import { DomainError, DomainErrorKind } from '@hotline/common';

export enum RecordingsErrorCode {
  NotFound = 'RECORDING_NOT_FOUND',
  FileMissing = 'RECORDING_FILE_MISSING',
  InvalidPath = 'RECORDING_PATH_INVALID',
  NotFinalised = 'RECORDING_NOT_FINALISED',
  InvalidId = 'RECORDING_ID_INVALID',
}

export class RecordingNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(recordingId: string) {
    super(RecordingsErrorCode.NotFound, `Recording ${recordingId} not found`, { recordingId });
  }
}

export class InvalidRecordingIdError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor(value: string) {
    super(RecordingsErrorCode.InvalidId, `"${value}" is not a recording id (UUID)`, { value });
  }
}

/** The row exists but the file is not (yet) in the store: still being written, or lost. */
export class RecordingFileMissingError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(recordingId: string, filePath: string) {
    super(RecordingsErrorCode.FileMissing, `The file of recording ${recordingId} is not in the store`, { recordingId, filePath });
  }
}

export class RecordingNotFinalisedError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(recordingId: string, status: string) {
    super(RecordingsErrorCode.NotFinalised, `Recording ${recordingId} is ${status}; it can be played once the call has ended`, { recordingId, status });
  }
}

/**
 * A path that would leave the store (.., absolute, odd characters). Paths come from the dialplan and the
 * database, but the store is the one place that must never be escaped, so they are checked on every use.
 */
export class InvalidRecordingPathError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor(filePath: string) {
    super(RecordingsErrorCode.InvalidPath, `"${filePath}" is not a path inside the recordings store`, { filePath });
  }
}
