import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { RecordingRecord, RecordingRepository } from '@hotline/recordings';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallSession } from '../calls/call-session.registry';
import { RecordingFinaliser } from '../recordings/recording-finaliser.service';
import { CallOrderDraftRepository } from '../work-orders/call-order-draft.repository';
import { CallChannelIo } from './call-channel.io';

/** What filing a message needs of its call. */
interface MessageCall {
  callId: string;
  channelId: string;
  callerNumber: string | null;
  dialedNumber: string;
}

/**
 * A message the caller leaves (IVR leave-message node): an ARI channel recording - one channel, so no
 * bridge and no mixing - written into the store's messages/ folder (Asterisk's recording dir is linked
 * there), finalised like a call recording, and filed as a draft work order. Its recording row is one of the
 * call's timeline operations, kept in Redis until it is in Postgres; the filing (finalisation, draft, event)
 * runs off the caller's path once it is, and a process that stopped before it was done leaves it to the next
 * one (fileLeftOver, after connecting). The caller goes on (hears that the message is saved) without waiting.
 */
@Injectable()
export class VoiceMessageService {
  private readonly logger = new Logger(VoiceMessageService.name);
  /** Calls whose message this process is filing: a reconnect's fileLeftOver leaves them alone. */
  private readonly filing = new Set<string>();

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
    const filePath = `messages/${name}.wav`;
    this.calls.registerRecording(session.callId, session.channelId, filePath, startedAt, 'message');
    void this.fileOnceWritten(session, filePath);
  }

  /** After connecting: messages an earlier process recorded and did not file (it stopped first). */
  async fileLeftOver(): Promise<number> {
    const unfiled = await this.drafts.unfiledMessages();
    for (const message of unfiled) {
      if (this.filing.has(message.callId)) continue;
      this.logger.warn(`Message ${message.recordingId} left on call ${message.callId} was not filed by an earlier process; filing it`);
      try {
        const recording = await this.recordings.findById(message.recordingId);
        if (recording) await this.file(recording, message);
      } catch (error) {
        this.logger.error(`Message ${message.recordingId} left on call ${message.callId} not filed (tried again at the next connect): ${(error as Error).message}`);
      }
    }
    return unfiled.length;
  }

  /** While Postgres is out that is logged, and the message is filed once it is back. */
  private async fileOnceWritten(call: MessageCall, filePath: string): Promise<void> {
    const what = `Message ${filePath} left on call ${call.callId}`;
    this.filing.add(call.callId);
    try {
      const recording = await this.calls.afterCallRowEvenIfLate(
        call.callId,
        async () => (await this.recordings.listByCall(call.callId)).find((candidate) => candidate.filePath === filePath) ?? null,
        (late) => this.logger.error(`${what}: ${late.message}; it is filed once the call's record is written`),
      );
      if (!recording) throw new Error('its recording row is not in Postgres after the call was written');
      await this.file(recording, call);
    } catch (error) {
      this.logger.error(`${what} not filed: ${(error as Error).message}`, (error as Error).stack);
    } finally {
      this.filing.delete(call.callId);
    }
  }

  /** Finalised (size, duration, checksum), then a draft order for it; each step idempotent. */
  private async file(recording: RecordingRecord, call: MessageCall): Promise<void> {
    if (recording.status === 'recording') await this.finaliser.finalise(recording, call.channelId);
    const finalised = await this.recordings.findById(recording.id);
    const draftId = await this.drafts.open({
      callId: call.callId,
      kind: 'voice_message',
      callerNumber: call.callerNumber,
      lineTag: call.dialedNumber,
      agentId: null,
      openOrderId: null,
      recordingId: recording.id,
    });
    const at = this.clock.now();
    const payload = { callId: call.callId, channelId: call.channelId, recordingId: recording.id, durationMs: finalised?.durationMs ?? null };
    await this.calls.appendEvent(call.callId, 'call.message-left', at, { ...payload, draftId });
    await this.events.publish('call.message-left', at, payload);
  }
}
