import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock, KeyedSerialQueue } from '@hotline/common';
import { ARI_GATEWAY, AriChannel, AriGateway, NORMAL_CLEARING, TelephonyError, hangupCauseText } from '@hotline/telephony';
import { PROMPT_LANGUAGE, prompts, welcomeMenuAction } from '../ivr/welcome-menu';
import { CallEventPublisher } from './call-event.publisher';
import { CallLogRepository } from './call-log.repository';
import { CallSession, CallSessionRegistry } from './call-session.registry';

const LEFT_APP_GRACE_MS = 3_000;

export interface HangupInfo {
  cause: number | null;
  causeText: string | null;
}

/**
 * The rules of one inbound call: record it, answer, greet, react to keys, record the end. Every step is
 * written to Postgres first and then published, and all steps of one channel run in order.
 */
@Injectable()
export class CallSessionService {
  private readonly logger = new Logger(CallSessionService.name);
  private readonly queue = new KeyedSerialQueue();

  constructor(
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly calls: CallLogRepository,
    private readonly events: CallEventPublisher,
    private readonly sessions: CallSessionRegistry,
  ) {}

  callArrived(channel: AriChannel, args: string[]): Promise<void> {
    return this.serially(channel.id, 'StasisStart', async () => {
      if (args[0] !== 'inbound') {
        this.logger.warn(`Channel ${channel.id} entered with unexpected arguments ${JSON.stringify(args)}; hanging up`);
        await this.ari.hangup(channel.id);
        return;
      }
      const session = await this.openSession(channel, args[1] ?? channel.dialplan.exten);
      await this.ari.subscribeToChannel(channel.id);
      await this.ari.answer(channel.id);
      const answeredAt = this.clock.now();
      await this.calls.markAnswered(session.callId, answeredAt);
      await this.record(session, 'call.answered', answeredAt, { answeredAt: answeredAt.toISOString() });
      await this.play(session, [prompts.welcome]);
    });
  }

  digitPressed(channelId: string, digit: string): Promise<void> {
    return this.serially(channelId, 'ChannelDtmfReceived', async () => {
      const session = this.sessions.get(channelId);
      if (!session) {
        this.logger.warn(`DTMF ${digit} on unknown channel ${channelId}`);
        return;
      }
      session.digitCount += 1;
      await this.record(session, 'call.dtmf', this.clock.now(), { digit, index: session.digitCount });
      const action = welcomeMenuAction(digit);
      if (action.kind === 'ignore') return;
      session.hangupAfterPlayback = action.kind === 'play-then-hangup';
      await this.play(session, action.media);
    });
  }

  playbackFinished(playbackId: string): Promise<void> {
    const session = this.sessions.findByPlayback(playbackId);
    if (!session) return Promise.resolve();
    return this.serially(session.channelId, 'PlaybackFinished', async () => {
      if (session.playbackId !== playbackId) return;
      session.playbackId = null;
      if (session.hangupAfterPlayback) {
        session.hangupCause = NORMAL_CLEARING;
        await this.ari.hangup(session.channelId);
      }
    });
  }

  hangupRequested(channelId: string, cause: number | undefined): void {
    const session = this.sessions.get(channelId);
    if (session && cause !== undefined) session.hangupCause = cause;
  }

  /**
   * ChannelDestroyed normally follows StasisEnd at once and closes the call with its cause. If it never
   * comes (the subscription failed, or the channel went on in the dialplan), the call is closed anyway.
   */
  channelLeftApp(channelId: string): void {
    setTimeout(() => {
      if (!this.sessions.get(channelId)) return;
      const cause = this.sessions.get(channelId)?.hangupCause ?? null;
      void this.callEnded(channelId, { cause, causeText: cause === null ? 'Left the hotline app' : hangupCauseText(cause) });
    }, LEFT_APP_GRACE_MS).unref();
  }

  callEnded(channelId: string, hangup: HangupInfo): Promise<void> {
    return this.serially(channelId, 'ChannelDestroyed', async () => {
      const session = this.sessions.get(channelId);
      if (!session) return;
      this.sessions.remove(channelId);
      const endedAt = this.clock.now();
      await this.calls.markEnded(session.callId, endedAt, hangup.cause, hangup.causeText);
      await this.record(session, 'call.ended', endedAt, {
        endedAt: endedAt.toISOString(),
        hangupCause: hangup.cause,
        hangupCauseText: hangup.causeText,
        durationMs: endedAt.getTime() - session.startedAt.getTime(),
      });
    });
  }

  /**
   * After (re)connecting, Asterisk sends no StasisStart for channels already in the app: take back the ones
   * still there, and close the records of calls whose channels are gone.
   */
  async reconcile(channelsInAsterisk: AriChannel[], appName: string): Promise<void> {
    const live = new Set(channelsInAsterisk.map((channel) => channel.id));
    for (const open of await this.calls.listOpenCalls()) {
      if (live.has(open.channelId)) continue;
      if (!this.sessions.get(open.channelId)) {
        this.sessions.add({ callId: open.id, channelId: open.channelId, startedAt: open.startedAt, digitCount: 0, playbackId: null, hangupAfterPlayback: false, hangupCause: null });
      }
      await this.callEnded(open.channelId, { cause: null, causeText: 'Channel gone while call-control was disconnected' });
    }
    for (const channel of channelsInAsterisk) {
      const { app_name: application, app_data: applicationArgs } = channel.dialplan;
      if (application !== 'Stasis' || !applicationArgs?.startsWith(`${appName},`)) continue;
      if (this.sessions.get(channel.id)) continue;
      await this.serially(channel.id, 'adopt', async () => {
        const session = await this.openSession(channel, channel.dialplan.exten);
        this.logger.log(`Re-adopted channel ${channel.id} (call ${session.callId})`);
      });
    }
  }

  private async openSession(channel: AriChannel, dialedNumber: string): Promise<CallSession> {
    const startedAt = new Date(channel.creationtime);
    const { id: callId, created } = await this.calls.createCall({
      channelId: channel.id,
      direction: 'inbound',
      callerNumber: channel.caller.number || null,
      dialedNumber,
      startedAt,
    });
    const session: CallSession = { callId, channelId: channel.id, startedAt, digitCount: 0, playbackId: null, hangupAfterPlayback: false, hangupCause: null };
    this.sessions.add(session);
    if (created) {
      await this.record(session, 'call.started', startedAt, {
        callerNumber: channel.caller.number || null,
        dialedNumber,
        startedAt: startedAt.toISOString(),
      });
    }
    return session;
  }

  private async record(session: CallSession, type: 'call.started' | 'call.answered' | 'call.dtmf' | 'call.ended', at: Date, details: Record<string, unknown>): Promise<void> {
    await this.calls.appendEvent(session.callId, type, at, details);
    await this.events.publish(type, at, { callId: session.callId, channelId: session.channelId, ...details } as never);
  }

  /** A new key interrupts the prompt being played, as callers expect. */
  private async play(session: CallSession, media: string[]): Promise<void> {
    if (session.playbackId) {
      const previous = session.playbackId;
      session.playbackId = null;
      await this.ari.stopPlayback(previous).catch((error: unknown) => this.logger.debug(`Playback ${previous} already gone: ${(error as Error).message}`));
    }
    const playbackId = randomUUID();
    session.playbackId = playbackId;
    await this.ari.play(session.channelId, media, playbackId, PROMPT_LANGUAGE);
  }

  private async serially(channelId: string, what: string, task: () => Promise<void>): Promise<void> {
    try {
      await this.queue.run(channelId, task);
    } catch (error) {
      // The caller may hang up mid-step (ARI then answers 404): that ends the call, it is not a fault.
      const level = error instanceof TelephonyError && /404|not found/i.test(error.message) ? 'warn' : 'error';
      this.logger[level](`${what} on channel ${channelId} failed: ${(error as Error).message}`);
    }
  }
}
