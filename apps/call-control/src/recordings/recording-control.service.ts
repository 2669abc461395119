import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock, DomainError, DomainErrorKind } from '@hotline/common';
import { AMI_GATEWAY, AmiGateway } from '@hotline/telephony';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallSessionRegistry } from '../calls/call-session.registry';

export class CallNotActiveError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(callId: string) {
    super('CALL_NOT_ACTIVE', `Call ${callId} is not in progress on this call-control`, { callId });
  }
}

export class RecordingNotStartedError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(callId: string) {
    super('RECORDING_NOT_STARTED', `Call ${callId} has no recording to pause or resume`, { callId });
  }
}

/**
 * Pauses and resumes a call's recording (e.g. while a caller reads out a card number). MixMonitor keeps
 * running and writes silence, so the file still lasts as long as the call; each pause and resume goes in
 * the call's timeline with its reason and who asked.
 */
@Injectable()
export class RecordingControlService {
  private readonly logger = new Logger(RecordingControlService.name);

  constructor(
    @Inject(AMI_GATEWAY) private readonly ami: AmiGateway,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sessions: CallSessionRegistry,
    private readonly calls: CallLogRepository,
    private readonly events: CallEventPublisher,
  ) {}

  /** Null when the call is not handled by this process (another node answers the command). */
  async setPaused(callId: string, paused: boolean, reason: string, requestedBy: string): Promise<{ paused: boolean } | null> {
    const session = this.sessions.byCallId(callId);
    if (!session) return null;
    if (!session.recordingPath) throw new RecordingNotStartedError(callId);
    await this.ami.action({ action: 'MixMonitorMute', channel: session.channelName, direction: 'both', state: paused ? '1' : '0' });
    const at = this.clock.now();
    const type = paused ? 'recording.paused' : 'recording.resumed';
    const payload = { callId, channelId: session.channelId, reason, requestedBy };
    await this.calls.appendEvent(callId, type, at, { ...payload });
    await this.events.publish(type, at, payload);
    this.logger.log(`Recording of call ${callId} ${paused ? 'paused' : 'resumed'} by ${requestedBy}: ${reason}`);
    return { paused };
  }
}
