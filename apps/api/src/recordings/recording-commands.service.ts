import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@hotline/common';
import { RecordingRepository } from '@hotline/recordings';
import { CallControlClient } from '../call-control/call-control.client';

export class CallNotInProgressError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(callId: string) {
    super('CALL_NOT_ACTIVE', `Call ${callId} is not in progress`, { callId });
  }
}

/** Pause/resume of a live call's recording: refused at once for calls the record shows over or unknown. */
@Injectable()
export class RecordingCommandsService {
  constructor(private readonly recordings: RecordingRepository, private readonly callControl: CallControlClient) {}

  async setPaused(callId: string, paused: boolean, reason: string, requestedBy: string): Promise<Record<string, unknown>> {
    const status = await this.recordings.callStatus(callId);
    if (status === null || status === 'ended') throw new CallNotInProgressError(callId);
    return this.callControl.send(paused ? 'recording.pause' : 'recording.resume', { callId, reason, requestedBy });
  }
}
