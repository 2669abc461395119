import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { CLOCK, Clock, KeyedSerialQueue } from '@hotline/common';
import { CallerProfile } from '@hotline/ivr';
import type { AgentStateName } from '@hotline/realtime';
import { ARI_GATEWAY, AriChannel, AriGateway, NORMAL_CLEARING } from '@hotline/telephony';
import { CallerProfileLoader } from '../calls/caller-profile.loader';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallSession, CallSessionRegistry } from '../calls/call-session.registry';
import { CallOrderDraftRepository } from '../work-orders/call-order-draft.repository';
import { AcdConfigRepository, QueueSettings } from './acd-config.repository';
import { AcdRecordRepository } from './acd-record.repository';
import { ABANDONED_CALLBACK_PRIORITY, AcdStateStore, AgentSnapshot, QueueEntry, rankOf } from './acd-state.store';
import { AgentPresenceService } from './agent-presence.service';
import { estimateWaitSeconds } from './ewt.calculator';
import { QueueAnnouncer } from './queue-announcer';
import { CallbackRequest, PromisedCallback, PromisedCallbackJournal } from './promised-callback.journal';

/** A leg call-control placed for the ACD: an agent's seat ringing, or a citizen dialled back. */
interface AcdLeg {
  kind: 'agent' | 'citizen';
  entryId: string;
  agentId: string;
}

interface WaitingTimers {
  announce: NodeJS.Timeout | null;
  maxWait: NodeJS.Timeout | null;
  callbackOffered: boolean;
}

/** A callback to queue: whom to call, for which skill and why, after which call, and its place in the queue. */
export type { CallbackRequest } from './promised-callback.journal';

export interface QueueRequest {
  skill: string;
  /** From the flow's queue node. */
  priority: number;
}

/** Abandons shorter than this are mostly misdials; they get no automatic callback. */
const MIN_WAIT_FOR_CALLBACK_MS = 5_000;
const QUEUE_SETTINGS_MAX_AGE_MS = 30_000;
const TICK_MS = 1_000;
const CALLBACK_RING_SECONDS = 30;
/** Priority added for registered VIP callers and for callers who called again within a day. */
const VIP_PRIORITY = 20;
const REPEAT_CALLER_PRIORITY = 10;

/**
 * The ACD on ARI: queues per skill with priority classes, longest-idle agent selection done atomically in
 * Redis, originate to the agent's seat, mixing bridge on answer, RONA (agent not ready, caller keeps the
 * place), wrap-up, hold music and announcements, overflow or callback at the maximum wait, automatic
 * callback after abandonment, and the records for service-level reporting. Live state is in Redis, so a
 * restarted process (or another node) carries on; timers are rebuilt from it (AcdReconciler).
 */
@Injectable()
export class AcdService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AcdService.name);
  private readonly serial = new KeyedSerialQueue();
  private readonly legs = new Map<string, AcdLeg>();
  private readonly waiting = new Map<string, WaitingTimers>();
  private queueSettings = new Map<string, QueueSettings>();
  private settingsLoadedAt = 0;
  private matching = false;
  private matchAgain = false;
  private matchingHeld = false;
  private tickTimer: NodeJS.Timeout | null = null;
  /** Promised callbacks this process is queueing (a reconnect must not start a second attempt at one). */
  private readonly keeping = new Set<string>();
  private agentLeftHandler: ((session: CallSession) => Promise<boolean>) | null = null;

  constructor(
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly state: AcdStateStore,
    private readonly queues: AcdConfigRepository,
    private readonly records: AcdRecordRepository,
    private readonly presence: AgentPresenceService,
    private readonly sessions: CallSessionRegistry,
    private readonly calls: CallLogRepository,
    private readonly events: CallEventPublisher,
    private readonly announcer: QueueAnnouncer,
    private readonly drafts: CallOrderDraftRepository,
    private readonly profiles: CallerProfileLoader,
    private readonly promised: PromisedCallbackJournal,
  ) {}

  onApplicationBootstrap(): void {
    this.presence.onReady(() => this.matchSoon());
    this.tickTimer = setInterval(() => void this.tick(), TICK_MS);
    this.tickTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    for (const timers of this.waiting.values()) this.clearTimers(timers);
    this.waiting.clear();
  }

  /**
   * Asked when an agent hangs up a connected call: true if something else (a transfer in progress) keeps the
   * caller, who is then not hung up; the agent's talk ends as usual (wrap-up).
   */
  onAgentLeft(handler: (session: CallSession) => Promise<boolean>): void {
    this.agentLeftHandler = handler;
  }

  /**
   * The agent hands the caller on (a completed transfer): the agent's leg is hung up and the agent goes to
   * wrap-up, the caller stays. The caller's channel must be out of the ACD bridge already (it is destroyed).
   */
  handOver(session: CallSession): Promise<void> {
    const entryId = session.entryId;
    if (!entryId) return Promise.resolve();
    return this.serially(entryId, 'hand over', async () => {
      const entry = await this.state.entry(entryId);
      if (!entry || entry.state !== 'connected') return;
      // The caller's end is no longer the ACD's: callerLeft must not end the agent's talk a second time.
      session.entryId = null;
      await this.talkEnded(entry, 'caller');
    });
  }

  isAcdLeg(channelId: string): boolean {
    return this.legs.has(channelId);
  }

  /** Puts a caller (out of the IVR) in a skill's queue and starts the hold music and announcements. */
  async enqueue(session: CallSession, request: QueueRequest): Promise<void> {
    const settings = (await this.settings(request.skill)) ?? (await this.settings('general'));
    if (!settings) throw new Error(`No queue settings for skill ${request.skill} nor for general`);
    if (settings.skill !== request.skill) this.logger.warn(`Skill ${request.skill} has no queue; call ${session.callId} goes to ${settings.skill}`);
    const { priority, reasons } = await this.priorityOf(session, request.priority);
    const now = this.clock.now();
    const entryId = session.callId;
    session.phase = 'queue';
    session.entryId = entryId;
    session.io.clearDigits();
    const { position, readyAgents } = await this.state.enqueue({
      id: entryId,
      kind: 'live',
      callId: session.callId,
      channelId: session.channelId,
      callerNumber: session.callerNumber ?? '',
      skill: settings.skill,
      originSkill: settings.skill,
      priority,
      enqueuedAt: now.getTime(),
      callbackId: '',
    });
    if (settings.skill !== session.line?.skill) await this.calls.setRouting(session.callId, session.line?.number ?? session.dialedNumber, settings.skill);
    await this.records.queued(session.callId, settings.skill, priority, now);
    const estimatedWaitSeconds = await this.estimate(settings.skill, position, readyAgents);
    await this.record(session, 'call.queued', now, { skill: settings.skill, priority, priorityReasons: reasons, position, estimatedWaitSeconds });
    await this.ari.startMoh(session.channelId);
    this.startTimers(session, settings, 0);
    this.matchSoon();
  }

  /** A caller's priority: the flow node's, the line's weight, VIP and repeat-caller rules; each reason is kept. */
  private async priorityOf(session: CallSession, nodePriority: number): Promise<{ priority: number; reasons: string[] }> {
    const reasons: string[] = [];
    let priority = nodePriority;
    if (nodePriority > 0) reasons.push(session.tags.caller === 'elderly' ? `elderly+${nodePriority}` : `flow+${nodePriority}`);
    const weight = session.line?.priorityWeight ?? 0;
    if (weight > 0) {
      priority += weight;
      reasons.push(`line ${session.line!.number}+${weight}`);
    }
    if (session.callerNumber) {
      let profile: CallerProfile;
      try {
        profile = await this.profiles.of(session);
      } catch (error) {
        // Postgres unreachable: the caller is queued on the flow's and the line's priority alone.
        this.logger.warn(`Caller lists of call ${session.callId} unavailable (${(error as Error).message}); no VIP/repeat-caller priority`);
        return { priority, reasons };
      }
      if (profile.lists.has('vip')) {
        priority += VIP_PRIORITY;
        reasons.push(`vip+${VIP_PRIORITY}`);
      }
      // Called before within a day (the profile's window), this call making two.
      if (profile.earlierCalls >= 1) {
        priority += REPEAT_CALLER_PRIORITY;
        reasons.push(`repeat-caller+${REPEAT_CALLER_PRIORITY}`);
      }
    }
    return { priority, reasons };
  }

  /** Runs the matcher now, or once more after the current run: it loops until no waiting call meets a ready agent. */
  matchSoon(): void {
    if (this.matching || this.matchingHeld) {
      this.matchAgain = true;
      return;
    }
    void this.matchLoop();
  }

  /**
   * While call-control re-adopts channels after a (re)connect, no offers: an agent answering for a caller
   * whose session is not adopted yet would find no caller and end the talk (AcdReconciler holds, then settles).
   */
  holdMatching(held: boolean): void {
    this.matchingHeld = held;
    if (!held) this.matchSoon();
  }

  private async matchLoop(): Promise<void> {
    this.matching = true;
    try {
      do {
        this.matchAgain = false;
        const settings = await this.allSettings();
        const skills = [...settings.keys()];
        const minLevels = Object.fromEntries([...settings.values()].map((queue) => [queue.skill, queue.minLevel]));
        for (;;) {
          const pair = await this.state.match(skills, minLevels, this.clock.now().getTime());
          if (!pair) break;
          void this.serially(pair.entryId, 'offer', () => this.offer(pair.entryId, pair.agentId));
          if (!pair.more) break;
        }
      } while (this.matchAgain);
    } catch (error) {
      this.logger.error(`Matching failed: ${(error as Error).message}`, (error as Error).stack);
    } finally {
      this.matching = false;
    }
  }

  /** Rings the agent's seat for an entry the matcher gave them. */
  private async offer(entryId: string, agentId: string): Promise<void> {
    const legId = `acd-${randomUUID()}`;
    // Checked here, in the entry's turn: the caller may have left between the match and now.
    const { recorded, entry, agent } = await this.state.recordOfferLeg(entryId, agentId, legId);
    if (!recorded || !entry || !agent) {
      this.logger.warn(`Offer of ${entryId} to ${agentId} lost its entry or agent; releasing`);
      // Refused by RELEASE_OFFER unless the entry is still offered to this agent.
      if (entry) await this.state.releaseOffer(entryId, agentId, 'failed', this.clock.now().getTime());
      return;
    }
    const settings = (await this.settings(entry.skill))!;
    this.legs.set(legId, { kind: 'agent', entryId, agentId });
    await this.presence.changed(agentId, 'ready', 'ringing', null, agent.seat, entry.callId || null);
    const session = entry.kind === 'live' ? this.sessions.byCallId(entry.callId) : undefined;
    const offeredAt = this.clock.now();
    if (entry.kind === 'live') {
      await this.record(session ?? entry, 'call.offered', offeredAt, { skill: entry.skill, agentId, seat: agent.seat, agentChannelId: legId });
    }
    const callerId = entry.callerNumber ? `"${entry.callerNumber}" <${entry.callerNumber}>` : undefined;
    try {
      await this.ari.originate({ endpoint: `PJSIP/${agent.seat}`, channelId: legId, callerId, timeoutSeconds: settings.ringTimeoutSeconds, appArgs: `agent,${entryId},${agentId}` });
    } catch (error) {
      // An unreachable seat is a seat that does not answer: the agent is set not ready, the caller keeps the place.
      this.logger.warn(`Ringing ${agent.seat} for ${entryId} failed: ${(error as Error).message}`);
      this.legs.delete(legId);
      await this.releaseOffer(entry, agentId, 'rona', null);
    }
  }

  /** StasisStart of an agent leg: the agent answered. Connects them with the caller (or dials the citizen back). */
  agentAnswered(channel: AriChannel, args: string[]): Promise<void> {
    const [, entryId = '', agentId = ''] = args;
    return this.serially(entryId, 'agent answered', async () => {
      const now = this.clock.now();
      const connected = await this.state.connect(entryId, agentId, now.getTime());
      if (!connected) {
        // The caller left (or the offer was withdrawn) while the phone rang: nothing to connect.
        this.legs.delete(channel.id);
        await this.hangup(channel.id);
        return;
      }
      const { entry, agent } = connected;
      await this.presence.changed(agentId, 'ringing', 'on_call', null, agent.seat || null, entry.callId || null);
      if (entry.kind === 'callback') {
        await this.dialCitizen(entry, channel.id, agentId);
        return;
      }
      const session = this.sessions.byCallId(entry.callId);
      if (!session || session.io.ended) {
        await this.hangup(channel.id);
        await this.talkEnded(entry, 'caller');
        return;
      }
      this.stopTimers(entryId);
      session.phase = 'talk';
      session.io.stopPlayback();
      await this.ari.stopMoh(session.channelId).catch((error: Error) => this.logger.debug(`stop MOH on ${session.channelId}: ${error.message}`));
      const bridgeId = bridgeOf(entryId);
      await this.ari.createBridge(bridgeId);
      await this.ari.addToBridge(bridgeId, [session.channelId, channel.id]);
      const waitMs = now.getTime() - entry.enqueuedAt;
      await this.records.answered(entry.callId, agentId, entry.skill, now, waitMs, entry.offers);
      await this.record(session, 'call.connected', now, { skill: entry.skill, agentId, agentChannelId: channel.id, bridgeId, waitMs });
      this.openDraft(session, agentId);
    });
  }

  /**
   * When an agent answers: the call is attached to the caller's open order or gets a draft (call-order-draft
   * repository), and the screen pop (call.work-order-draft) tells the agent which, with the caller's previous
   * orders. Off the call path: it waits for the call's row (written behind the call) and for Postgres. The agent
   * waits for the pop, and a pop that comes after the call helps nobody: bounded (CallRecordNotWrittenError,
   * logged below) while Postgres is out; the agent takes the call without it and files from the desk.
   */
  private openDraft(session: CallSession, agentId: string): void {
    const lineTag = session.line?.number ?? session.dialedNumber;
    void (async () => {
      try {
        const linked = await this.calls.afterCallRow(session.callId, () => this.drafts.linkOnAnswer({ callId: session.callId, callerNumber: session.callerNumber, lineTag, agentId, at: this.clock.now() }));
        await this.record(session, 'call.work-order-draft', this.clock.now(), {
          draftId: linked.draftId,
          agentId,
          callerNumber: session.callerNumber,
          link: linked.link,
          attachedOrder: linked.attachedOrder,
          openOrderId: linked.attachedOrder?.id ?? null,
          previousOrders: linked.previousOrders,
          lineTag,
        });
      } catch (error) {
        // The agent is talking to the caller; a failed link is fixed at the desktop, not by dropping the call.
        this.logger.error(`Linking call ${session.callId} to a work order failed: ${(error as Error).message}`);
      }
    })();
  }

  /** A callback's agent answered: they hear music while the citizen is dialled through the recording dialplan. */
  private async dialCitizen(entry: QueueEntry, agentLeg: string, agentId: string): Promise<void> {
    const bridgeId = bridgeOf(entry.id);
    await this.ari.createBridge(bridgeId);
    await this.ari.addToBridge(bridgeId, [agentLeg]);
    await this.ari.startMoh(agentLeg).catch((error: Error) => this.logger.debug(`MOH for agent leg ${agentLeg}: ${error.message}`));
    const citizenLeg = `acd-cb-${randomUUID()}`;
    this.legs.set(citizenLeg, { kind: 'citizen', entryId: entry.id, agentId });
    await this.records.callbackStatus(entry.callbackId, 'dialling', agentId);
    await this.publishCallback(entry, entry.callId, 'dialling');
    try {
      await this.ari.originate({
        endpoint: this.config.OUTBOUND_ENDPOINT_TEMPLATE.replace('{number}', entry.callerNumber),
        channelId: citizenLeg,
        callerId: this.config.HOTLINE_NUMBER,
        timeoutSeconds: CALLBACK_RING_SECONDS,
        dialplan: { context: 'hotline-outbound', extension: entry.callerNumber },
        variables: { HOTLINE_CALL_ID: entry.id },
      });
      // Dialplan originates are not in Stasis until answered: subscribe so an unanswered leg reports its end.
      await this.ari.subscribeToChannel(citizenLeg);
    } catch (error) {
      this.logger.warn(`Calling back ${entry.callerNumber} failed: ${(error as Error).message}`);
      this.legs.delete(citizenLeg);
      await this.callbackFailed(entry, agentLeg);
    }
  }

  /** StasisStart of a callback's citizen leg (after the dialplan started its recording). */
  citizenAnswered(session: CallSession, entryId: string): Promise<void> {
    return this.serially(entryId, 'citizen answered', async () => {
      const entry = await this.state.entry(entryId);
      if (!entry || entry.state !== 'connected') {
        await this.hangup(session.channelId);
        return;
      }
      this.legs.delete([...this.legs.entries()].find(([, leg]) => leg.entryId === entryId && leg.kind === 'citizen')?.[0] ?? '');
      session.phase = 'talk';
      session.entryId = entryId;
      await this.state.updateEntry(entryId, { channelId: session.channelId, talkCallId: session.callId });
      const agentLeg = (await this.state.agent(entry.agentId))?.agentChannelId;
      if (agentLeg) await this.ari.stopMoh(agentLeg).catch((error: Error) => this.logger.debug(`stop MOH on ${agentLeg}: ${error.message}`));
      await this.ari.addToBridge(bridgeOf(entryId), [session.channelId]);
      this.recordCallbackConnected(entry, session);
      await this.publishCallback(entry, session.callId, 'connected', session.channelId);
      this.openDraft(session, entry.agentId);
    });
  }

  /**
   * The callback's row points at this call's row (written behind the call): marked connected once that row is
   * in, off the talk's path - citizen and agent are already talking, and a late Postgres only makes the mark
   * late (logged), never lost or in their way.
   */
  private recordCallbackConnected(entry: QueueEntry, session: CallSession): void {
    const what = `Callback ${entry.callbackId} (call ${session.callId})`;
    void this.calls
      .afterCallRowEvenIfLate(
        session.callId,
        () => this.records.callbackStatus(entry.callbackId, 'connected', entry.agentId, session.callId),
        (late) => this.logger.error(`${what}: ${late.message}; marked connected once it is`),
      )
      .catch((error: Error) => this.logger.error(`${what} not marked connected: ${error.message}`));
  }

  /**
   * An ACD leg is gone. Before the agent answered: RONA (the agent is set not ready, the caller keeps the
   * place and the next agent is tried). During the talk: the agent hung up, so the call ends. A citizen
   * who was called back and did not answer fails the callback. False when the channel is not an ACD leg.
   */
  legEnded(channelId: string, cause: number | null): boolean {
    const leg = this.legs.get(channelId);
    if (!leg) return false;
    this.legs.delete(channelId);
    void this.serially(leg.entryId, 'leg ended', async () => {
      const entry = await this.state.entry(leg.entryId);
      if (!entry) return;
      if (leg.kind === 'agent' && entry.state === 'offered' && entry.agentId === leg.agentId) {
        await this.releaseOffer(entry, leg.agentId, 'rona', cause);
      } else if (leg.kind === 'agent' && entry.state === 'connected' && entry.agentId === leg.agentId) {
        const session = entry.kind === 'live' ? this.sessions.byCallId(entry.callId) : undefined;
        if (session && this.agentLeftHandler && (await this.agentLeftHandler(session))) {
          session.entryId = null;
          await this.talkEnded(entry, 'caller');
          return;
        }
        await this.talkEnded(entry, 'agent', cause);
      } else if (leg.kind === 'citizen' && entry.state === 'connected' && !entry.talkCallId) {
        const agentLeg = (await this.state.agent(entry.agentId))?.agentChannelId ?? '';
        await this.callbackFailed(entry, agentLeg);
      }
    });
    return true;
  }

  /** The caller's channel is gone: abandonment while waiting or ringing, the end of the talk otherwise. */
  callerLeft(session: CallSession): Promise<void> {
    const entryId = session.entryId;
    if (!entryId) return Promise.resolve();
    return this.serially(entryId, 'caller left', async () => {
      this.stopTimers(entryId);
      const found = await this.state.entryWithAgent(entryId);
      if (!found) return;
      if (found.entry.state === 'connected') {
        await this.talkEnded(found.entry, 'caller', null, found.agent);
        return;
      }
      await this.abandon(found.entry, session);
    });
  }

  private async abandon(entry: QueueEntry, session: CallSession): Promise<void> {
    const now = this.clock.now();
    const removed = await this.state.removeEntry(entry.id, now.getTime());
    if (!removed) return;
    if (removed.state === 'offered' && removed.agentId) {
      const leg = removed.agentChannelId;
      if (leg) {
        this.legs.delete(leg);
        await this.hangup(leg);
      }
      const agent = await this.state.agent(removed.agentId);
      await this.presence.changed(removed.agentId, 'ringing', agent?.state ?? 'ready', 'caller-abandoned', agent?.seat ?? null, null);
    }
    const waitMs = now.getTime() - removed.enqueuedAt;
    await this.records.left(removed.callId, 'abandoned', removed.skill, now, waitMs, removed.offers);
    let callbackQueued = false;
    if (removed.callerNumber && /^[0-9]{5,20}$/.test(removed.callerNumber) && waitMs >= MIN_WAIT_FOR_CALLBACK_MS) {
      this.promiseCallback({ number: removed.callerNumber, skill: removed.originSkill, reason: 'abandoned', originCallId: removed.callId, rank: rankOf(ABANDONED_CALLBACK_PRIORITY, now.getTime()), at: now });
      callbackQueued = true;
    }
    await this.record(session, 'call.abandoned', now, { skill: removed.skill, waitMs, callbackQueued });
    this.matchSoon();
  }

  /** Who is talking on a call (supervision, issue 7): its bridge, the agent and their leg; null when not in talk. */
  async talkOf(session: CallSession): Promise<{ entryId: string; bridgeId: string; agentId: string; agentChannelId: string; skill: string } | null> {
    if (!session.entryId || session.phase !== 'talk') return null;
    const entry = await this.state.entry(session.entryId);
    if (!entry || entry.state !== 'connected') return null;
    const agent = await this.state.agent(entry.agentId);
    const agentChannelId = agent?.entryId === entry.id ? agent.agentChannelId : entry.agentChannelId;
    if (!agentChannelId) return null;
    return { entryId: entry.id, bridgeId: bridgeOf(entry.id), agentId: entry.agentId, agentChannelId, skill: entry.skill };
  }

  /**
   * A supervisor took the call over (issue 7): the agent's leg is hung up and the agent goes to wrap-up, but
   * the caller stays in the bridge with the supervisor, who owns the rest of the call. False if not in talk.
   */
  async agentReplaced(entryId: string): Promise<boolean> {
    let replaced = false;
    await this.serially(entryId, 'take-over', async () => {
      const entry = await this.state.entry(entryId);
      if (!entry || entry.state !== 'connected') return;
      await this.talkEnded(entry, 'supervisor');
      replaced = true;
    });
    return replaced;
  }

  /**
   * Ends a connected call: hangs up the other side, closes the bridge, puts the agent in wrap-up.
   * `agentCause` (by 'agent'): why the agent's leg went; the caller's record carries it. `agentRead`: the
   * agent as read with the entry (undefined: read here).
   */
  private async talkEnded(entry: QueueEntry, by: 'caller' | 'agent' | 'supervisor', agentCause: number | null = null, agentRead?: AgentSnapshot | null): Promise<void> {
    const now = this.clock.now();
    const agent = agentRead === undefined ? await this.state.agent(entry.agentId) : agentRead;
    const agentLeg = agent?.entryId === entry.id ? agent.agentChannelId : entry.agentChannelId;
    if ((by === 'caller' || by === 'supervisor') && agentLeg) {
      this.legs.delete(agentLeg);
      await this.hangup(agentLeg);
    }
    if (by === 'agent' && entry.channelId) {
      const session = this.sessions.get(entry.channelId);
      // The caller's call ends for the reason the agent's leg did: normal clearing when the agent put the
      // phone down, Asterisk's shutdown cause when a restart took the leg (so the restart check counts the
      // call as lost, not as cleared by a person), a network cause when the seat phone dropped.
      if (session) session.hangupCause = agentCause ?? NORMAL_CLEARING;
      await this.hangup(entry.channelId);
    }
    // After a take-over the bridge carries the caller and the supervisor on: supervision closes it.
    if (by !== 'supervisor') await this.ari.destroyBridge(bridgeOf(entry.id)).catch((error: Error) => this.logger.debug(`Bridge of ${entry.id}: ${error.message}`));
    const settings = await this.settings(entry.skill);
    const wrapUpMs = (settings?.wrapUpSeconds ?? 0) * 1_000;
    // Together, so both go out in one write to Redis rather than a round trip each.
    const [transition] = await Promise.all([
      this.state.endTalk(entry.agentId, entry.id, now.getTime() + wrapUpMs, now.getTime()),
      entry.connectedAt > 0 ? this.state.recordHandleTime(entry.skill, (now.getTime() - entry.connectedAt + wrapUpMs) / 1_000) : undefined,
    ]);
    if (transition.next !== transition.previous) {
      const reason = by === 'agent' ? 'agent-hung-up' : by === 'supervisor' ? 'taken-over' : null;
      const wrapUntil = transition.next === 'wrap_up' ? new Date(now.getTime() + wrapUpMs) : null;
      await this.presence.changed(entry.agentId, transition.previous, transition.next as AgentStateName, reason, agent?.seat ?? null, entry.talkCallId || entry.callId || null, wrapUntil);
    }
    // No matching here: an agent made ready has already triggered it (presence), and wrap-up frees no one yet.
    if (transition.next === 'wrap_up') setTimeout(() => void this.tick(), wrapUpMs + 50).unref();
  }

  private async releaseOffer(entry: QueueEntry, agentId: string, outcome: 'rona' | 'failed', cause: number | null): Promise<void> {
    if (!(await this.state.releaseOffer(entry.id, agentId, outcome, this.clock.now().getTime()))) return;
    const agent = await this.state.agent(agentId);
    if (outcome === 'rona') {
      const session = entry.kind === 'live' ? this.sessions.byCallId(entry.callId) : undefined;
      await this.record(session ?? entry, 'call.rona', this.clock.now(), { agentId, cause });
      await this.presence.changed(agentId, 'ringing', 'not_ready', 'rona', agent?.seat ?? null, entry.callId || null);
    } else {
      await this.presence.changed(agentId, 'ringing', agent?.state ?? 'ready', 'offer-withdrawn', agent?.seat ?? null, null);
    }
    this.matchSoon();
  }

  private async callbackFailed(entry: QueueEntry, agentLeg: string): Promise<void> {
    await this.records.callbackStatus(entry.callbackId, 'failed', entry.agentId);
    await this.publishCallback(entry, entry.callId, 'failed');
    if (agentLeg) {
      this.legs.delete(agentLeg);
      await this.hangup(agentLeg);
    }
    await this.talkEnded({ ...entry, connectedAt: 0 }, 'caller');
  }

  /**
   * Queues a callback (abandoned call, accepted offer, or a request over the api) that an agent will place. Its
   * row references the origin call's, written behind the call. `promised`: the citizen is off the line and was
   * promised it (see promiseCallback); otherwise someone waits for the id, and while Postgres is out they are
   * refused with CallRecordNotWrittenError (503) after CALL_RECORD_WAIT_MS rather than left hanging.
   */
  async queueCallback(request: CallbackRequest, promised = false, id: string = randomUUID()): Promise<string> {
    const create = () => this.records.createCallback({ id, originCallId: request.originCallId, number: request.number, skill: request.skill, reason: request.reason, rankAt: request.at });
    const origin = request.originCallId;
    let row: Awaited<ReturnType<typeof create>>;
    if (!origin) row = await create();
    else if (!promised) row = await this.calls.afterCallRow(origin, create);
    else row = await this.calls.afterCallRowEvenIfLate(origin, create, (late) => this.logger.error(`Callback to the caller of call ${origin} (${request.reason}): ${late.message}; queued, in its place, once it is`));
    const callbackId = row.id;
    // Queued again after a restart: the process that wrote the row queued it too, unless it stopped in between.
    if (!row.created && (row.status !== 'queued' || (await this.state.entry(`cb-${callbackId}`)))) return callbackId;
    await this.state.enqueueWithRank({
      id: `cb-${callbackId}`,
      kind: 'callback',
      callId: request.originCallId ?? '',
      channelId: '',
      callerNumber: request.number,
      skill: request.skill,
      originSkill: request.skill,
      priority: request.reason === 'abandoned' ? ABANDONED_CALLBACK_PRIORITY : 0,
      rank: request.rank,
      enqueuedAt: request.at.getTime(),
      callbackId,
    });
    if (request.originCallId) {
      await this.publishCallback({ id: `cb-${callbackId}`, callbackId, callerNumber: request.number, skill: request.skill } as QueueEntry, request.originCallId, 'requested');
    }
    this.matchSoon();
    return callbackId;
  }

  /**
   * A callback promised to a citizen who is off the line (they hung up while waiting, or accepted the offer
   * and heard it confirmed): nobody waits for it, and it must not be lost to a Postgres outage. So it runs off
   * the call's path - the caller's end or confirmation never waits for Postgres - and is queued once the origin
   * call's row is in, however long that takes, keeping the caller's rank.
   */
  private promiseCallback(request: CallbackRequest): void {
    void this.keepPromise({ id: randomUUID(), request }, true);
  }

  /** After a restart: the callbacks an earlier process promised and had not queued yet (AcdReconciler). */
  async resumePromisedCallbacks(): Promise<void> {
    for (const promise of await this.promised.all()) {
      if (this.keeping.has(promise.id)) continue;
      this.logger.warn(`Callback ${promise.id} to the caller of call ${promise.request.originCallId} (${promise.request.reason}) was promised by an earlier process; queueing it`);
      void this.keepPromise(promise, false);
    }
  }

  /** Journaled first, so a process that stops before Postgres is back leaves the promise to the next one. */
  private async keepPromise(promise: PromisedCallback, journal: boolean): Promise<void> {
    this.keeping.add(promise.id);
    try {
      if (journal) await this.promised.add(promise);
      await this.queueCallback(promise.request, true, promise.id);
      await this.promised.remove(promise.id);
    } catch (error) {
      this.logger.error(`Callback ${promise.id} to the caller of call ${promise.request.originCallId} (${promise.request.reason}) not queued: ${(error as Error).message}`);
    } finally {
      this.keeping.delete(promise.id);
    }
  }

  // ---- waiting callers: announcements and the maximum wait

  private startTimers(session: CallSession, settings: QueueSettings, waitedMs: number): void {
    const entryId = session.entryId!;
    this.stopTimers(entryId);
    const timers: WaitingTimers = { announce: null, maxWait: null, callbackOffered: false };
    this.waiting.set(entryId, timers);
    const every = settings.announceEverySeconds * 1_000;
    const announce = () => {
      timers.announce = setTimeout(() => {
        void this.announce(session).finally(() => this.waiting.get(entryId) === timers && announce());
      }, every);
      timers.announce.unref();
    };
    announce();
    const untilMax = Math.max(0, settings.maxWaitSeconds * 1_000 - waitedMs);
    timers.maxWait = setTimeout(() => void this.serially(entryId, 'max wait', () => this.maxWaitReached(session, settings)), untilMax);
    timers.maxWait.unref();
  }

  /** Resumes the timers of a caller re-adopted after a restart, counting the time already waited. */
  async resumeWaiting(session: CallSession, entry: QueueEntry): Promise<void> {
    const settings = await this.settings(entry.skill);
    if (!settings) return;
    session.phase = 'queue';
    session.entryId = entry.id;
    await this.ari.startMoh(session.channelId).catch((error: Error) => this.logger.debug(`MOH on re-adopted ${session.channelId}: ${error.message}`));
    this.startTimers(session, settings, this.clock.now().getTime() - entry.enqueuedAt);
  }

  private stopTimers(entryId: string): void {
    const timers = this.waiting.get(entryId);
    if (!timers) return;
    this.clearTimers(timers);
    this.waiting.delete(entryId);
  }

  private clearTimers(timers: WaitingTimers): void {
    if (timers.announce) clearTimeout(timers.announce);
    if (timers.maxWait) clearTimeout(timers.maxWait);
  }

  private async announce(session: CallSession): Promise<void> {
    const entryId = session.entryId;
    if (!entryId || session.phase !== 'queue') return;
    try {
      const entry = await this.state.entry(entryId);
      if (!entry || entry.state !== 'waiting') return;
      const position = (await this.state.position(entryId, entry.skill)) ?? 1;
      const estimatedWaitSeconds = await this.estimate(entry.skill, position);
      await this.record(session, 'call.announced', this.clock.now(), { position, estimatedWaitSeconds });
      await this.announcer.announce(this.ari, session, position, estimatedWaitSeconds);
    } catch (error) {
      this.logger.warn(`Announcement for call ${session.callId} failed: ${(error as Error).message}`);
    }
  }

  /** Maximum wait: overflow to the next skill keeping the place, else one offer of a callback that keeps it. */
  private async maxWaitReached(session: CallSession, settings: QueueSettings): Promise<void> {
    const entryId = session.entryId!;
    const entry = await this.state.entry(entryId);
    if (!entry || entry.state !== 'waiting' || session.phase !== 'queue') return;
    const now = this.clock.now();
    if (settings.overflowSkill && entry.skill === settings.skill && (await this.state.moveEntry(entryId, settings.overflowSkill))) {
      await this.record(session, 'call.overflowed', now, { fromSkill: settings.skill, toSkill: settings.overflowSkill, waitMs: now.getTime() - entry.enqueuedAt });
      const next = await this.settings(settings.overflowSkill);
      if (next) this.startTimers(session, next, 0);
      this.matchSoon();
      return;
    }
    if (!settings.callbackOffer || !session.callerNumber) return;
    const timers = this.waiting.get(entryId);
    if (timers) timers.callbackOffered = true;
    // Outside this entry's serial queue: the offer waits for the caller, and an agent may answer meanwhile.
    void this.offerCallback(session, entryId);
  }

  private async offerCallback(session: CallSession, entryId: string): Promise<void> {
    let accepted: boolean;
    try {
      accepted = await this.announcer.offerCallback(this.ari, session);
    } catch (error) {
      this.logger.warn(`Callback offer to call ${session.callId} failed: ${(error as Error).message}`);
      return;
    }
    if (!accepted) return;
    await this.serially(entryId, 'callback accepted', async () => {
      const entry = await this.state.entry(entryId);
      if (!entry || entry.state !== 'waiting' || session.phase !== 'queue') return;
      const now = this.clock.now();
      const removed = await this.state.removeEntry(entryId, now.getTime());
      if (!removed) return;
      this.stopTimers(entryId);
      session.phase = 'done';
      await this.records.left(removed.callId, 'callback', removed.skill, now, now.getTime() - removed.enqueuedAt, removed.offers);
      // The callback takes over the caller's rank: their place in the queue is kept.
      this.promiseCallback({ number: session.callerNumber!, skill: removed.skill, reason: 'requested', originCallId: session.callId, rank: removed.rank, at: new Date(removed.enqueuedAt) });
      await this.ari.stopMoh(session.channelId).catch((error: Error) => this.logger.debug(`stop MOH: ${error.message}`));
      await session.io.play([`sound:hotline/callback-confirmed`], { interruptible: false }).catch((error: Error) => this.logger.debug(`callback confirmation: ${error.message}`));
      session.hangupCause = NORMAL_CLEARING;
      await this.hangup(session.channelId);
    });
  }

  /** `readyAgents`: known already when the caller was just queued (ENQUEUE counts them). */
  private async estimate(skill: string, position: number, readyAgents?: number): Promise<number | null> {
    // The common case (agents waiting for calls) is answered from one counter, without reading every agent.
    if (position <= (readyAgents ?? (await this.state.readyCount(skill)))) return 0;
    const agents = (await this.state.loggedInAgents()).filter((agent) => agent.skills[skill] !== undefined);
    const ready = agents.filter((agent) => agent.state === 'ready').length;
    const working = agents.filter((agent) => agent.state !== 'not_ready' && agent.state !== 'logged_out').length;
    return estimateWaitSeconds({ position, ready, working, handleTimeSeconds: await this.state.handleTime(skill) });
  }

  /** Every second: wrap-ups that ran out make agents ready; then match (covers changes made by other nodes). */
  async tick(): Promise<void> {
    try {
      for (const { agentId, state } of await this.state.wrapExpired(this.clock.now().getTime())) {
        const agent = await this.state.agent(agentId);
        await this.presence.changed(agentId, 'wrap_up', state, null, agent?.seat ?? null, null);
      }
      this.matchSoon();
    } catch (error) {
      this.logger.error(`ACD tick failed: ${(error as Error).message}`);
    }
  }

  // ---- restart support (AcdReconciler)

  /** Re-registers a leg found in Asterisk after a restart. */
  adoptLeg(channelId: string, leg: AcdLeg): void {
    this.legs.set(channelId, leg);
  }

  async releaseLostOffer(entry: QueueEntry): Promise<void> {
    await this.serially(entry.id, 'lost offer', () => this.releaseOffer(entry, entry.agentId, 'failed', null));
  }

  endLostTalk(entry: QueueEntry, by: 'caller' | 'agent'): Promise<void> {
    return this.serially(entry.id, 'lost talk', () => this.talkEnded(entry, by));
  }

  abandonLost(entry: QueueEntry): Promise<void> {
    return this.serially(entry.id, 'lost caller', async () => {
      const now = this.clock.now();
      const removed = await this.state.removeEntry(entry.id, now.getTime());
      if (removed && removed.kind === 'live') await this.records.left(removed.callId, 'abandoned', removed.skill, now, now.getTime() - removed.enqueuedAt, removed.offers);
      this.matchSoon();
    });
  }

  // ---- helpers

  async settings(skill: string): Promise<QueueSettings | undefined> {
    return (await this.allSettings()).get(skill);
  }

  private async allSettings(): Promise<Map<string, QueueSettings>> {
    if (Date.now() - this.settingsLoadedAt > QUEUE_SETTINGS_MAX_AGE_MS) {
      try {
        await this.reloadSettings();
      } catch (error) {
        // Postgres down (fault suite): routing goes on with the settings already loaded; tried again later.
        if (this.queueSettings.size === 0) throw error;
        this.settingsLoadedAt = Date.now();
        this.logger.warn(`Queue settings not refreshed, routing with the ones loaded before: ${(error as Error).message}`);
      }
    }
    return this.queueSettings;
  }

  async reloadSettings(): Promise<void> {
    this.queueSettings = new Map((await this.queues.queues()).map((queue) => [queue.skill, queue]));
    this.settingsLoadedAt = Date.now();
  }

  private async publishCallback(entry: QueueEntry, callId: string, state: 'requested' | 'dialling' | 'connected' | 'failed', channelId = ''): Promise<void> {
    const at = this.clock.now();
    const payload = { callId, channelId, callbackId: entry.callbackId, number: entry.callerNumber, skill: entry.skill, state };
    if (callId) await this.calls.appendEvent(callId, 'call.callback', at, { ...payload });
    await this.events.publish('call.callback', at, payload);
  }

  private async record(subject: Pick<CallSession, 'callId' | 'channelId'>, type: 'call.queued' | 'call.announced' | 'call.offered' | 'call.rona' | 'call.connected' | 'call.abandoned' | 'call.overflowed' | 'call.work-order-draft', at: Date, details: Record<string, unknown>): Promise<void> {
    if (!subject.callId) return;
    await this.calls.appendEvent(subject.callId, type, at, details);
    await this.events.publish(type, at, { callId: subject.callId, channelId: subject.channelId, ...details } as never);
  }

  private async hangup(channelId: string): Promise<void> {
    await this.ari.hangup(channelId).catch((error: Error) => this.logger.debug(`Hangup of ${channelId}: ${error.message}`));
  }

  private async serially(entryId: string, what: string, task: () => Promise<void>): Promise<void> {
    try {
      await this.serial.run(entryId, task);
    } catch (error) {
      this.logger.error(`ACD ${what} for ${entryId} failed: ${(error as Error).message}`, (error as Error).stack);
    }
  }
}

export function bridgeOf(entryId: string): string {
  return `acd-bridge-${entryId}`;
}
