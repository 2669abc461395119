import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { RecordingRepository } from '@hotline/recordings';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallSession } from '../calls/call-session.registry';
import { RecordingFinaliser } from '../recordings/recording-finaliser.service';
import { CallOrderDraftRepository } from '../work-orders/call-order-draft.repository';
import { CallChannelIo } from './call-channel.io';

/**
 * A message the caller leaves (IVR leave-message node): an ARI channel recording - one channel, so no
 * bridge and no mixing - written into the store's messages/ folder (Asterisk's recording dir is linked
 * there), registered and finalised like a call recording, and filed as a draft work order. The filing runs
 * off the caller's path: the caller goes on (hears that the message is saved) without waiting for Postgres.
 */
@Injectable()
export class VoiceMessageService {
  private readonly logger = new Logger(VoiceMessageService.name);

  constructor(
    private readonly recordings: RecordingRepository,
    private readonly finaliser: RecordingFinaliser,
    private readonly drafts: CallOrderDraftRepository,
    private readonly calls: CallLogRepository,
    private readonly events: CallEventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(session: CallSession, io: CallChannelIo, options: { maxSeconds: number; beep: boolean }): Promise<void> {
    const startedAt = this.clock.now();
    const day = startedAt.toISOString().slice(0, 10).replace(/-/g, '');
    const name = `${day}/${session.callId}-${startedAt.getTime()}`;
    const result = await io.recordMessage({ name, maxDurationSeconds: options.maxSeconds, maxSilenceSeconds: 10, beep: options.beep, terminateOn: '#' });
    if (!result.ok) {
      this.logger.warn(`Recording a message on call ${session.callId} failed`);
      return;
    }
    void this.file(session, `messages/${name}.wav`, startedAt);
  }

  /**
   * The message is on disk; its rows must not be lost. The recording row references the call's, written
   * behind the call: while Postgres is out that is logged and the message is filed once Postgres is back.
   */
  private async file(session: CallSession, filePath: string, startedAt: Date): Promise<void> {
    const what = `Message ${filePath} left on call ${session.callId}`;
    try {
      const recording = await this.calls.afterCallRowEvenIfLate(
        session.callId,
        () => this.recordings.register({ callId: session.callId, kind: 'message', channelId: session.channelId, filePath, startedAt }),
        (late) => this.logger.error(`${what}: ${late.message}; it is filed once the call's record is written`),
      );
      await this.finaliser.finalise(recording, session.channelId);
      const finalised = await this.recordings.findById(recording.id);
      const draftId = await this.drafts.open({
        callId: session.callId,
        kind: 'voice_message',
        callerNumber: session.callerNumber,
        lineTag: session.dialedNumber,
        agentId: null,
        openOrderId: null,
        recordingId: recording.id,
      });
      const at = this.clock.now();
      const payload = { callId: session.callId, channelId: session.channelId, recordingId: recording.id, durationMs: finalised?.durationMs ?? null };
      await this.calls.appendEvent(session.callId, 'call.message-left', at, { ...payload, draftId });
      await this.events.publish('call.message-left', at, payload);
    } catch (error) {
      this.logger.error(`${what} not filed: ${(error as Error).message}`, (error as Error).stack);
    }
  }
}
