import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock, KeyedSerialQueue } from '@hotline/common';
import { HotlineLine } from '@hotline/ivr';
import { callRecordingPath } from '@hotline/recordings';
import { ARI_GATEWAY, AriBridge, AriChannel, AriGateway, NORMAL_CLEARING, isAriResourceGone, hangupCauseText } from '@hotline/telephony';
import { AcdService } from '../acd/acd.service';
import { AcdStateStore } from '../acd/acd-state.store';
import { CallChannelIo, CallEndedError } from '../ivr/call-channel.io';
import { IvrFlowCatalog, LoadedFlow } from '../ivr/ivr-flow.catalog';
import { IvrStateStore } from '../ivr/ivr-state.store';
import { IvrExit, IvrRunner } from '../ivr/ivr.runner';
import { LineDirectory } from '../ivr/line.directory';
import { RecordingFinaliser } from '../recordings/recording-finaliser.service';
import { isSupervisorLeg } from '../supervision/supervision.service';
import { TransferService, TransferView, transferLegsByCall } from '../transfers/transfer.service';
import { ServiceRatingService } from '../surveys/service-rating.service';
import { CallEventPublisher } from './call-event.publisher';
import { CallLogRepository } from './call-log.repository';
import { CallSession, CallSessionRegistry } from './call-session.registry';

const LEFT_APP_GRACE_MS = 3_000;

export interface HangupInfo {
  cause: number | null;
  causeText: string | null;
}

type CallEventType = 'call.started' | 'call.dtmf' | 'call.line';

/**
 * The life of a call on the hotline: record it, answer, run the line's IVR flow, hand the call to the ACD
 * (or a transfer), record its end. Every step of one channel runs in order and is handed to the timeline
 * writer (durable in Redis, written to Postgres in batches behind the call) before it is published.
 * Channels of other kinds that enter the app (agent seats, citizens called back, transfer destinations)
 * are passed to the service that placed them.
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
    private readonly finaliser: RecordingFinaliser,
    private readonly lines: LineDirectory,
    private readonly flows: IvrFlowCatalog,
    private readonly ivr: IvrRunner,
    private readonly ivrState: IvrStateStore,
    private readonly acd: AcdService,
    private readonly acdState: AcdStateStore,
    private readonly transfers: TransferService,
    private readonly ratings: ServiceRatingService,
  ) {
    // A transfer that nobody answers must not drop the caller: an agent takes them instead.
    this.transfers.onFailure((session) => this.acd.enqueue(session, { skill: session.line?.skill ?? 'general', priority: 0 }));
  }

  callArrived(channel: AriChannel, args: string[]): Promise<void> {
    switch (args[0]) {
      case 'inbound':
        return this.serially(channel.id, 'StasisStart', () => this.inbound(channel, args));
      case 'outbound':
        return this.serially(channel.id, 'StasisStart', () => this.outbound(channel, args));
      case 'agent':
        return this.acd.agentAnswered(channel, args);
      case 'transfer':
        return this.transfers.answered(channel).catch((error: Error) => this.logger.error(`Transfer leg ${channel.id}: ${error.message}`));
      default:
        return this.serially(channel.id, 'StasisStart', async () => {
          this.logger.warn(`Channel ${channel.id} entered with unexpected arguments ${JSON.stringify(args)}; hanging up`);
          await this.ari.hangup(channel.id);
        });
    }
  }

  private async inbound(channel: AriChannel, args: string[]): Promise<void> {
    const dialed = args[1] ?? channel.dialplan.exten;
    const line = this.lineFor(dialed);
    const session = await this.openSession(channel, 'inbound', dialed, args[2] ?? null, line);
    await this.ari.subscribeToChannel(channel.id);
    // The dialplan answers before Stasis(); a channel that arrives unanswered (an older dialplan) is answered here.
    if (channel.state !== 'Up') await this.ari.answer(channel.id);
    const answeredAt = this.clock.now();
    session.answeredAt = answeredAt;
    await this.answered(session, answeredAt);
    await this.record(session, 'call.line', answeredAt, { line: line.number, lineName: line.name, skill: line.skill });
    this.startIvr(session, await this.flowFor(line), undefined, {});
  }

  /** A citizen called back answered (the dialplan started the recording first). */
  private async outbound(channel: AriChannel, args: string[]): Promise<void> {
    const [, number = channel.dialplan.exten, recording = '', entryId = ''] = args;
    const session = await this.openSession(channel, 'outbound', number, recording || null, null);
    session.callerNumber = number;
    await this.ari.subscribeToChannel(channel.id);
    const answeredAt = this.clock.now();
    session.answeredAt = answeredAt;
    await this.answered(session, answeredAt);
    // Straight to the agent: the callback's record that points at this call's row follows that row (AcdService).
    await this.acd.citizenAnswered(session, entryId);
  }

  /** Runs the IVR off the event path (it awaits the caller); its exit decides where the call goes. */
  private startIvr(session: CallSession, flow: LoadedFlow | null, startAt: string | undefined, saved: { vars?: Record<string, string>; tags?: Record<string, string> }): void {
    session.phase = 'ivr';
    void (async () => {
      const line = session.line!;
      try {
        if (!flow) {
          this.logger.error(`No published IVR flow for line ${line.number} (${line.flowName}); queueing call ${session.callId} directly`);
          await this.leaveIvr(session, { kind: 'queue', skill: line.skill, priority: 0 });
          return;
        }
        Object.assign(session.tags, saved.tags ?? {});
        const exit = await this.ivr.run({ session, io: session.io, line, flow, vars: { ...(saved.vars ?? {}) }, tags: session.tags }, startAt);
        await this.leaveIvr(session, exit);
      } catch (error) {
        if (error instanceof CallEndedError || session.io.ended || isAriResourceGone(error)) return;
        // A fault in a flow (or a prompt) must not strand the caller: an agent takes over.
        this.logger.error(`IVR of call ${session.callId} failed: ${(error as Error).message}`, (error as Error).stack);
        await this.leaveIvr(session, { kind: 'queue', skill: line.skill, priority: 0 }).catch((fallbackError: Error) =>
          this.logger.error(`Queueing call ${session.callId} after the IVR failed: ${fallbackError.message}`),
        );
      }
    })();
  }

  private async leaveIvr(session: CallSession, exit: IvrExit): Promise<void> {
    if (session.io.ended) return;
    switch (exit.kind) {
      case 'queue':
        // No wait for Postgres: the queue record goes through the timeline writer after the call's row.
        await this.acd.enqueue(session, { skill: exit.skill, priority: exit.priority });
        return;
      case 'transfer':
        await this.transfers.transfer(session, exit.number);
        return;
      case 'hangup':
        session.phase = 'done';
        session.hangupCause = NORMAL_CLEARING;
        await this.ari.hangup(session.channelId).catch((error: unknown) => {
          // The caller may have hung up first: the flow's goal is reached either way.
          if (!isAriResourceGone(error)) throw error;
        });
        return;
    }
  }

  digitPressed(channelId: string, digit: string): Promise<void> {
    return this.serially(channelId, 'ChannelDtmfReceived', async () => {
      const session = this.sessions.get(channelId);
      if (!session) {
        this.logger.debug(`DTMF ${digit} on channel ${channelId} that is not a caller's`);
        return;
      }
      // The key reaches the flow first (barge-in must not wait for the database), then the record.
      session.io.digit(digit);
      session.digitCount += 1;
      await this.record(session, 'call.dtmf', this.clock.now(), { digit, index: session.digitCount });
    });
  }

  playbackFinished(playbackId: string): void {
    this.sessions.findByPlayback(playbackId)?.io.playbackFinished(playbackId);
  }

  recordingFinished(name: string, ok: boolean, durationSeconds: number | null): void {
    for (const session of this.sessions.all()) if (session.io.recordingFinished(name, ok, durationSeconds)) return;
  }

  hangupRequested(channelId: string, cause: number | undefined): void {
    const session = this.sessions.get(channelId);
    if (session && cause !== undefined && session.hangupCause === null) session.hangupCause = cause;
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

  /** A channel is gone: a caller's (closes the call) or a leg the ACD or a transfer placed. */
  channelDestroyed(channelId: string, hangup: HangupInfo): Promise<void> {
    if (this.sessions.get(channelId)) return this.callEnded(channelId, hangup);
    if (this.acd.legEnded(channelId, hangup.cause)) return Promise.resolve();
    this.transfers.legEnded(channelId, hangup.cause);
    return Promise.resolve();
  }

  callEnded(channelId: string, hangup: HangupInfo): Promise<void> {
    return this.serially(channelId, 'ChannelDestroyed', async () => {
      const session = this.sessions.get(channelId);
      if (!session) return;
      this.sessions.remove(channelId);
      session.io.end();
      const endedAt = this.clock.now();
      // A cause we chose (we hung up) wins over the one the channel reports for our own request.
      const cause = session.hangupCause ?? hangup.cause;
      const causeText = session.hangupCause !== null ? hangupCauseText(session.hangupCause) : hangup.causeText;
      const ended = { endedAt: endedAt.toISOString(), hangupCause: cause, hangupCauseText: causeText, durationMs: endedAt.getTime() - session.startedAt.getTime() };
      await this.calls.endedWithEvent(session.callId, endedAt, cause, causeText, ended);
      await this.events.publish('call.ended', endedAt, { callId: session.callId, channelId: session.channelId, ...ended });
      // The IVR clears its position when it exits; only a caller who hangs up inside it leaves one behind.
      const inIvr = session.phase === 'ivr';
      session.phase = 'done';
      await this.acd.callerLeft(session);
      await this.transfers.callerLeft(session);
      if (inIvr) await this.ivrState.clear(session.callId);
      // Detached: waiting for MixMonitor to close the file must not hold up this channel's queue. By its file
      // when the session knows it (re-adopted calls do, from their Stasis() arguments), else looked up by call
      // id (a call closed after a restart). After the call's end (and its recording's row) is in Postgres, so
      // a finalised recording never belongs to a call still "up".
      void this.finaliser.finaliseCall(session.callId, session.channelId, this.calls.written(session.callId, 'eventually'), session.recordingPath);
    });
  }

  /**
   * After (re)connecting, Asterisk sends no StasisStart for channels already in the app: close the records
   * of calls whose channels are gone, and take back the callers still there - in the queue (their Redis
   * entry keeps their place), in the IVR (at the node they were on), or talking (their bridge is intact).
   */
  async reconcile(channelsInAsterisk: AriChannel[], bridges: AriBridge[], appName: string): Promise<void> {
    // First: trail writes an earlier process left go ahead of whatever re-adopting the calls records.
    await this.transfers.resumePendingTrails();
    const live = new Set(channelsInAsterisk.map((channel) => channel.id));
    const openCalls = await this.calls.listOpenCalls();
    // Records opened before call ids were derived from channel ids keep the id they have.
    const recordedIds = new Map(openCalls.map((open) => [open.channelId, open.id]));
    for (const open of openCalls) {
      if (live.has(open.channelId)) continue;
      if (!this.sessions.get(open.channelId)) this.sessions.add(this.stubSession(open));
      await this.callEnded(open.channelId, { cause: null, causeText: 'Channel gone while call-control was disconnected' });
    }
    const transfers: TransferView = { bridges, legs: transferLegsByCall(channelsInAsterisk, appName) };
    // Oldest first: re-adoption work (music, timers) follows the callers' arrival order.
    const callers = channelsInAsterisk
      .filter((channel) => channel.dialplan.app_name === 'Stasis' && channel.dialplan.app_data?.startsWith(`${appName},`))
      .sort((a, b) => a.creationtime.localeCompare(b.creationtime));
    for (const channel of callers) {
      const [, kind, dialed, recording, entryId] = channel.dialplan.app_data!.split(',');
      if ((kind !== 'inbound' && kind !== 'outbound') || this.sessions.get(channel.id)) continue;
      await this.serially(channel.id, 'adopt', async () => {
        const line = kind === 'inbound' ? this.lineFor(dialed ?? channel.dialplan.exten) : null;
        const session = await this.openSession(channel, kind, dialed ?? channel.dialplan.exten, recording || null, line, recordedIds.get(channel.id));
        if (kind === 'outbound') session.callerNumber = dialed ?? null;
        await this.readopt(session, kind === 'outbound' ? (entryId ?? '') : session.callId, line, transfers);
        this.logger.log(`Re-adopted channel ${channel.id} (call ${session.callId}, ${session.phase})`);
      });
    }
  }

  private async readopt(session: CallSession, entryId: string, line: HotlineLine | null, transfers: TransferView): Promise<void> {
    // First: a caller with (or being put through to) a transfer destination must not be queued or re-run.
    if (await this.transfers.readopt(session, transfers)) return;
    const entry = await this.acdState.entry(entryId);
    if (entry && entry.state === 'connected') {
      session.phase = 'talk';
      session.entryId = entry.id;
      await this.transfers.readoptWithAgent(session, { id: entry.id, agentId: entry.agentId }, transfers);
      return;
    }
    if (transfers.bridges.some((bridge) => bridge.channels.includes(session.channelId) && bridge.channels.some(isSupervisorLeg))) {
      // Taken over by a supervisor (the agent has gone, the supervisor is the caller's party): supervision
      // re-adopts that leg next; queueing the caller or re-running their IVR would cut the conversation.
      session.phase = 'talk';
      return;
    }
    if (entry) {
      await this.acd.resumeWaiting(session, entry);
      return;
    }
    // Handed by the agent to the satisfaction prompt (the ACD entry is gone): back to the rating, not the IVR.
    if (await this.ratings.readopt(session)) return;
    if (!line) return;
    const position = await this.ivrState.load(session.callId);
    const flow = position ? await this.flowVersion(position.flow, position.version) : await this.flowFor(line);
    this.startIvr(session, flow, position?.node, position ?? {});
  }

  private async flowVersion(name: string, version: number): Promise<LoadedFlow | null> {
    const flow = await this.flows.get(name);
    // The exact version the caller was in is the published one in practice; a flow republished meanwhile
    // restarts the caller at the same node id of the new version, if it exists there.
    if (flow && flow.version !== version) this.logger.warn(`Flow ${name} moved from v${version} to v${flow.version} while call-control was away`);
    return flow;
  }

  private lineFor(dialed: string): HotlineLine {
    const line = this.lines.resolve(dialed);
    if (line) return line;
    // Asterisk admitted the number (AstDB) but Postgres no longer has it active: serve the caller anyway.
    this.logger.warn(`Line ${dialed} is not active in Postgres; routing as a general call`);
    return { number: dialed, name: dialed, skill: 'general', flowName: 'default', priorityWeight: 0, mode: 'primary', active: true };
  }

  private async flowFor(line: HotlineLine): Promise<LoadedFlow | null> {
    return (await this.flows.get(line.flowName)) ?? (await this.flows.get('default'));
  }

  /**
   * Opens the call's record without waiting for Postgres (the timeline is written behind the call). `adoptedId`:
   * a re-adopted channel, whose record (and call.started) exists already.
   */
  private async openSession(channel: AriChannel, direction: 'inbound' | 'outbound', dialedNumber: string, recording: string | null, line: HotlineLine | null, adoptedId?: string): Promise<CallSession> {
    const startedAt = new Date(channel.creationtime);
    const callerNumber = direction === 'inbound' ? channel.caller.number || null : dialedNumber;
    const created = adoptedId === undefined && !this.sessions.get(channel.id);
    const callId = this.calls.openCall({ channelId: channel.id, direction, callerNumber, dialedNumber, startedAt, lineNumber: line?.number ?? null, skill: line?.skill ?? null }, adoptedId);
    const recordingPath = recording ? callRecordingPath(recording) : null;
    const session: CallSession = {
      callId,
      channelId: channel.id,
      channelName: channel.name,
      direction,
      callerNumber,
      dialedNumber,
      startedAt,
      answeredAt: null,
      digitCount: 0,
      hangupCause: null,
      recordingPath,
      io: new CallChannelIo(this.ari, channel.id),
      line,
      phase: 'ivr',
      tags: {},
      entryId: null,
      readopted: adoptedId !== undefined,
    };
    this.sessions.add(session);
    // Behind the call with its row: during an outage it is registered once Postgres is back.
    if (recordingPath) this.calls.registerRecording(callId, channel.id, recordingPath, startedAt);
    if (created) {
      await this.record(session, 'call.started', startedAt, { callerNumber, dialedNumber, startedAt: startedAt.toISOString() });
    }
    return session;
  }

  /** A session for a call whose channel is already gone, just to close its record. */
  private stubSession(open: { id: string; channelId: string; startedAt: Date }): CallSession {
    return {
      callId: open.id,
      channelId: open.channelId,
      channelName: '',
      direction: 'inbound',
      callerNumber: null,
      dialedNumber: '',
      startedAt: open.startedAt,
      answeredAt: null,
      digitCount: 0,
      hangupCause: null,
      recordingPath: null,
      io: new CallChannelIo(this.ari, open.channelId),
      line: null,
      phase: 'done',
      tags: {},
      // Its ACD entry (if any) has the call's id; the ACD reconciler has settled it already.
      entryId: open.id,
      readopted: true,
    };
  }

  private async answered(session: CallSession, answeredAt: Date): Promise<void> {
    const details = { answeredAt: answeredAt.toISOString() };
    await this.calls.answeredWithEvent(session.callId, answeredAt, details);
    await this.events.publish('call.answered', answeredAt, { callId: session.callId, channelId: session.channelId, ...details });
  }

  private async record(session: CallSession, type: CallEventType, at: Date, details: Record<string, unknown>): Promise<void> {
    await this.calls.appendEvent(session.callId, type, at, details);
    await this.events.publish(type, at, { callId: session.callId, channelId: session.channelId, ...details } as never);
  }

  private async serially(channelId: string, what: string, task: () => Promise<void>): Promise<void> {
    try {
      await this.queue.run(channelId, task);
    } catch (error) {
      // The caller may hang up mid-step (ARI then answers 404): that ends the call, it is not a fault.
      const gone = isAriResourceGone(error) || error instanceof CallEndedError;
      this.logger[gone ? 'warn' : 'error'](`${what} on channel ${channelId} failed: ${(error as Error).message}`);
    }
  }
}
