import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { CLOCK, Clock, KeyedSerialQueue } from '@hotline/common';
import type { AgentStateName, HotlineCommandPayloads, SupervisionMode, SupervisionPayload } from '@hotline/realtime';
import { ARI_GATEWAY, AriBridge, AriChannel, AriGateway, NORMAL_CLEARING, isAriResourceGone } from '@hotline/telephony';
import { AcdService } from '../acd/acd.service';
import { AgentPresenceService } from '../acd/agent-presence.service';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallSession, CallSessionRegistry } from '../calls/call-session.registry';
import { SupervisionAuditRepository } from './supervision-audit.repository';
import { SupervisionErrorCode, SupervisionRefusedError } from './supervision.errors';

/** Stasis arguments of the channels this service places: the supervisor's seat leg and its snoop channels. */
export const SUPERVISOR_LEG_ARG = 'supervisor';
export const SUPERVISOR_SNOOP_ARG = 'supervisor-snoop';
const SUPERVISOR_RING_SECONDS = 30;

/** A call with no session here whose row is open: another call-control node answers for it. */
const isOpen = (callRowStatus: string) => callRowStatus !== 'ended' && callRowStatus !== 'missing';
/** Channel and bridge ids of a supervision: the seat leg, its private bridge (listen, whisper), its snoops. */
const legIdOf = (supervisionId: string) => `sup-${supervisionId}`;
const privateBridgeIdOf = (supervisionId: string) => `sup-bridge-${supervisionId}`;
const SNOOP_PREFIX = 'sup-snoop-';

/** A supervisor's seat leg, as a restarted process finds it in a bridge (not one of its snoops). */
export function isSupervisorLeg(channelId: string): boolean {
  return channelId.startsWith('sup-') && !channelId.startsWith(SNOOP_PREFIX);
}

/** One supervisor on one call: their seat leg, dialled once, moved between a snoop and the call's bridge. */
interface SupervisorLeg {
  supervisionId: string;
  legId: string;
  session: CallSession;
  entryId: string;
  callBridgeId: string;
  agentId: string;
  agentChannelId: string;
  supervisorUserId: string;
  supervisor: string;
  seat: string;
  /** The mode asked for; applied once the seat answers. */
  mode: SupervisionMode;
  answered: boolean;
  /** The supervisor's own bridge (them + a snoop on the agent's leg), for listen and whisper. */
  privateBridgeId: string;
  privateBridgeCreated: boolean;
  inPrivateBridge: boolean;
  inCallBridge: boolean;
  snoopId: string | null;
  /** After a take-over the supervisor is the caller's party: their hangup ends the call. */
  tookOver: boolean;
  auditId: string;
  ended: boolean;
}

export interface SupervisionResult extends Record<string, unknown> {
  supervisionId: string;
  callId: string;
  mode: SupervisionMode;
  state: 'dialling' | 'active';
}

/**
 * Supervisor actions over ARI (issue 7). The supervisor's seat is rung once per call; listen and whisper put
 * it in a private bridge with a snoop channel on the agent's leg (spy both ways; whisper "out" = into what
 * the agent hears only), barge and take-over move it into the call's bridge. Switching modes swaps the snoop
 * or the bridge membership, never redials. Each mode segment is a supervision_sessions row and a
 * supervision.changed event; the supervisor hanging up, or the call ending, cleans everything up.
 */
@Injectable()
export class SupervisionService {
  private readonly logger = new Logger(SupervisionService.name);
  private readonly serial = new KeyedSerialQueue();
  private readonly legs = new Map<string, SupervisorLeg>();
  private readonly snoops = new Map<string, SupervisorLeg>();

  constructor(
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: CallSessionRegistry,
    private readonly calls: CallLogRepository,
    private readonly acd: AcdService,
    private readonly presence: AgentPresenceService,
    private readonly audit: SupervisionAuditRepository,
    private readonly events: CallEventPublisher,
  ) {}

  /** Whether a StasisStart belongs here (by its arguments). */
  owns(args: string[]): boolean {
    return args[0] === SUPERVISOR_LEG_ARG || args[0] === SUPERVISOR_SNOOP_ARG;
  }

  /** Starts supervising a call in a mode, or switches the supervisor's mode on it (no new call to their seat). */
  async monitor(request: HotlineCommandPayloads['supervision.monitor']): Promise<SupervisionResult | null> {
    return this.serial.run(request.callId, async () => {
      const session = await this.liveSession(request.callId);
      if (!session) return null;
      const existing = this.legOf(request.callId, request.supervisorUserId);
      if (existing) return this.switchMode(existing, request.mode);
      const busy = [...this.legs.values()].find((leg) => leg.supervisorUserId === request.supervisorUserId && !leg.ended);
      if (busy) throw new SupervisionRefusedError(SupervisionErrorCode.SupervisorBusy, `You are already on call ${busy.session.callId}; leave it first`, { callId: busy.session.callId });
      const talk = await this.acd.talkOf(session);
      if (!talk) throw new SupervisionRefusedError(SupervisionErrorCode.CallNotInTalk, `Call ${request.callId} is not talking to an agent (it is ${session.phase})`, { callId: request.callId, phase: session.phase });
      const supervisionId = randomUUID();
      const now = this.clock.now();
      const leg: SupervisorLeg = {
        supervisionId,
        legId: legIdOf(supervisionId),
        session,
        entryId: talk.entryId,
        callBridgeId: talk.bridgeId,
        agentId: talk.agentId,
        agentChannelId: talk.agentChannelId,
        supervisorUserId: request.supervisorUserId,
        supervisor: request.requestedBy,
        seat: request.seat,
        mode: request.mode,
        answered: false,
        privateBridgeId: privateBridgeIdOf(supervisionId),
        privateBridgeCreated: false,
        inPrivateBridge: false,
        inCallBridge: false,
        snoopId: null,
        tookOver: false,
        auditId: '',
        ended: false,
      };
      // No supervision without its audit row (confidentiality). The row references the call's, which is written
      // behind the call: while Postgres is out the supervisor is refused with CallRecordNotWrittenError (503,
      // CALL_RECORD_NOT_WRITTEN) after CALL_RECORD_WAIT_MS, before anything is dialled.
      leg.auditId = await this.calls.afterCallRow(request.callId, () => this.audit.start(this.auditRow(leg, request.mode, now)));
      this.legs.set(leg.legId, leg);
      await this.publish(leg, 'dialling', null, null, now);
      try {
        await this.ari.originate({ endpoint: `PJSIP/${request.seat}`, channelId: leg.legId, callerId: `"12345" <${this.config.HOTLINE_NUMBER}>`, timeoutSeconds: SUPERVISOR_RING_SECONDS, appArgs: `${SUPERVISOR_LEG_ARG},${supervisionId}` });
      } catch (error) {
        await this.endLeg(leg, 'seat-unreachable');
        throw error;
      }
      return { supervisionId, callId: request.callId, mode: leg.mode, state: 'dialling' };
    });
  }

  async stop(request: HotlineCommandPayloads['supervision.stop']): Promise<Record<string, unknown> | null> {
    return this.serial.run(request.callId, async () => {
      const leg = this.legOf(request.callId, request.supervisorUserId);
      if (!leg) {
        if (!this.sessions.byCallId(request.callId) && isOpen(await this.callRowStatus(request.callId))) return null;
        throw new SupervisionRefusedError(SupervisionErrorCode.NotSupervising, `You are not supervising call ${request.callId}`, { callId: request.callId });
      }
      await this.endLeg(leg, 'stopped');
      return { supervisionId: leg.supervisionId, callId: request.callId, state: 'ended' };
    });
  }

  /** 强拆: ends the call; the ACD then hangs up the agent and closes the bridge, and supervisors' legs follow. */
  async release(request: HotlineCommandPayloads['supervision.release']): Promise<Record<string, unknown> | null> {
    return this.serial.run(request.callId, async () => {
      const session = await this.liveSession(request.callId);
      if (!session) return null;
      const talk = await this.acd.talkOf(session);
      const taken = [...this.legs.values()].find((leg) => leg.session === session && leg.tookOver);
      if (!talk && !taken) throw new SupervisionRefusedError(SupervisionErrorCode.CallNotInTalk, `Call ${request.callId} is not in talk (it is ${session.phase})`, { callId: request.callId, phase: session.phase });
      const now = this.clock.now();
      const agentId = talk?.agentId ?? taken?.agentId ?? null;
      // Audited first, as every supervisor action; refused like monitor while the call's row cannot be written.
      await this.calls.afterCallRow(request.callId, () => this.audit.oneOff({ supervisionId: null, callId: request.callId, agentId, supervisorUserId: request.supervisorUserId, supervisor: request.requestedBy, seat: null, mode: 'release', at: now }));
      await this.events.publish('supervision.released', now, { callId: session.callId, channelId: session.channelId, supervisorUserId: request.supervisorUserId, supervisor: request.requestedBy, agentId });
      session.hangupCause = NORMAL_CLEARING;
      await this.hangup(session.channelId);
      return { callId: request.callId, released: true };
    });
  }

  /** A supervisor forces an agent's state; audited like the call actions. */
  async forceAgentState(request: HotlineCommandPayloads['supervision.agent-state']): Promise<Record<string, unknown>> {
    const result: { state: AgentStateName | 'deferred' } =
      request.state === 'logged_out' ? await this.presence.logout(request.agentId) : await this.presence.setState(request.agentId, request.state, request.reason ?? `forced by ${request.requestedBy}`);
    const detail = request.reason ? `${request.state}: ${request.reason}` : request.state;
    await this.audit.oneOff({ supervisionId: null, callId: null, agentId: request.agentId, supervisorUserId: request.supervisorUserId, supervisor: request.requestedBy, seat: null, mode: 'agent_state', detail, at: this.clock.now() });
    return { agentId: request.agentId, ...result };
  }

  // ---- ARI events (routed by HotlineStasisHandler)

  channelEntered(channel: AriChannel, args: string[]): Promise<void> {
    const [kind, supervisionId = ''] = args;
    const leg = this.legs.get(legIdOf(supervisionId));
    if (!leg || leg.ended) {
      this.logger.warn(`${kind} channel ${channel.id} of unknown supervision ${supervisionId}; hanging up`);
      return this.hangup(channel.id);
    }
    return this.serially(leg, kind === SUPERVISOR_LEG_ARG ? 'seat answered' : 'snoop entered', async () => {
      if (leg.ended) return this.hangup(channel.id);
      if (kind === SUPERVISOR_LEG_ARG) {
        leg.answered = true;
        await this.apply(leg);
        await this.publish(leg, 'active', null, null, this.clock.now());
        return;
      }
      // A snoop replaced by a newer one (a quick mode switch) must not be heard.
      if (leg.snoopId !== channel.id) return this.hangup(channel.id);
      await this.ari.addToBridge(leg.privateBridgeId, [channel.id]);
    });
  }

  /** Any channel left the app or is gone: a supervisor's leg, or a party of a supervised call. */
  channelGone(channelId: string): void {
    const own = this.legs.get(channelId);
    if (own) {
      void this.serially(own, 'seat hung up', () => this.endLeg(own, own.answered ? 'supervisor-hung-up' : 'not-answered'));
      return;
    }
    for (const leg of this.legs.values()) {
      if (leg.session.channelId !== channelId && leg.agentChannelId !== channelId) continue;
      // Decided in the call's queue: a take-over in progress hangs up the agent on purpose.
      void this.serially(leg, 'call ended', async () => {
        if (leg.session.channelId === channelId || !leg.tookOver) await this.endLeg(leg, 'call-ended');
      });
    }
  }

  // ---- internals

  private async switchMode(leg: SupervisorLeg, mode: SupervisionMode): Promise<SupervisionResult> {
    if (leg.tookOver) throw new SupervisionRefusedError(SupervisionErrorCode.AlreadyTakenOver, `Call ${leg.session.callId} was taken over; the supervisor is its party now`, { callId: leg.session.callId });
    const previous = leg.mode;
    if (mode !== previous) {
      const now = this.clock.now();
      await this.audit.end(leg.auditId, now, `switched-to-${mode}`);
      leg.auditId = await this.audit.start(this.auditRow(leg, mode, now));
      leg.mode = mode;
      if (leg.answered) await this.apply(leg);
      await this.publish(leg, leg.answered ? 'active' : 'dialling', previous, null, now);
    }
    return { supervisionId: leg.supervisionId, callId: leg.session.callId, mode: leg.mode, state: leg.answered ? 'active' : 'dialling' };
  }

  /** Puts the answered seat leg where its mode wants it. */
  private async apply(leg: SupervisorLeg): Promise<void> {
    if (leg.mode === 'listen' || leg.mode === 'whisper') {
      if (leg.inCallBridge) {
        await this.ari.removeFromBridge(leg.callBridgeId, [leg.legId]);
        leg.inCallBridge = false;
      }
      if (!leg.privateBridgeCreated) {
        await this.ari.createBridge(leg.privateBridgeId);
        leg.privateBridgeCreated = true;
      }
      if (!leg.inPrivateBridge) {
        await this.ari.addToBridge(leg.privateBridgeId, [leg.legId]);
        leg.inPrivateBridge = true;
      }
      // A snoop's directions are fixed when it is made: a new mode is a new snoop, the old one goes.
      await this.dropSnoop(leg);
      const snoopId = `${SNOOP_PREFIX}${randomUUID()}`;
      leg.snoopId = snoopId;
      this.snoops.set(snoopId, leg);
      await this.ari.snoop({ channelId: leg.agentChannelId, snoopId, spy: 'both', whisper: leg.mode === 'whisper' ? 'out' : 'none', appArgs: `${SUPERVISOR_SNOOP_ARG},${leg.supervisionId}` });
      return;
    }
    await this.dropSnoop(leg);
    if (leg.inPrivateBridge) {
      await this.ari.removeFromBridge(leg.privateBridgeId, [leg.legId]);
      leg.inPrivateBridge = false;
    }
    if (!leg.inCallBridge) {
      await this.ari.addToBridge(leg.callBridgeId, [leg.legId]);
      leg.inCallBridge = true;
    }
    if (leg.mode === 'take_over' && !leg.tookOver) {
      if (!(await this.acd.agentReplaced(leg.entryId))) throw new SupervisionRefusedError(SupervisionErrorCode.CallNotInTalk, `Call ${leg.session.callId} is no longer in talk`);
      leg.tookOver = true;
    }
  }

  private async dropSnoop(leg: SupervisorLeg): Promise<void> {
    if (!leg.snoopId) return;
    const snoopId = leg.snoopId;
    leg.snoopId = null;
    this.snoops.delete(snoopId);
    await this.hangup(snoopId);
  }

  private async endLeg(leg: SupervisorLeg, reason: string): Promise<void> {
    if (leg.ended) return;
    leg.ended = true;
    this.legs.delete(leg.legId);
    const now = this.clock.now();
    await this.dropSnoop(leg);
    await this.hangup(leg.legId);
    if (leg.privateBridgeCreated) await this.destroyBridge(leg.privateBridgeId);
    if (leg.tookOver) {
      // The supervisor was the caller's only party: the call ends with them, and its bridge is ours to close.
      if (!leg.session.io.ended) {
        leg.session.hangupCause ??= NORMAL_CLEARING;
        await this.hangup(leg.session.channelId);
      }
      await this.destroyBridge(leg.callBridgeId);
    }
    await this.audit.end(leg.auditId, now, reason);
    await this.publish(leg, 'ended', null, reason, now);
  }

  /** The call's session held here; null when another node holds it; refused when there is no such call in progress. */
  private async liveSession(callId: string): Promise<CallSession | null> {
    const session = this.sessions.byCallId(callId);
    if (session && session.phase !== 'done' && !session.io.ended) return session;
    let seen = `its session here is ${session?.phase}${session?.io.ended ? ', channel ended' : ''}`;
    if (!session) {
      const status = await this.callRowStatus(callId);
      if (isOpen(status)) return null;
      seen = `no session here, call row ${status}`;
    }
    // Said with what was seen: a supervisor refused on a call they can see on the wallboard asks why.
    this.logger.warn(`Supervision of call ${callId} refused: ${seen}`);
    throw new SupervisionRefusedError(SupervisionErrorCode.CallNotFound, `No call ${callId} in progress`, { callId });
  }

  /** The call's row status, 'missing' when there is none. */
  private async callRowStatus(callId: string): Promise<string> {
    return (await this.calls.findById(callId))?.status ?? 'missing';
  }

  private legOf(callId: string, supervisorUserId: string): SupervisorLeg | undefined {
    return [...this.legs.values()].find((leg) => leg.session.callId === callId && leg.supervisorUserId === supervisorUserId && !leg.ended);
  }

  private auditRow(leg: SupervisorLeg, mode: SupervisionMode, at: Date) {
    return { supervisionId: leg.supervisionId, callId: leg.session.callId, agentId: leg.agentId, supervisorUserId: leg.supervisorUserId, supervisor: leg.supervisor, seat: leg.seat, mode, at };
  }

  private async publish(leg: SupervisorLeg, state: SupervisionPayload['state'], previousMode: SupervisionMode | null, reason: string | null, at: Date): Promise<void> {
    await this.events.publish('supervision.changed', at, {
      callId: leg.session.callId,
      channelId: leg.session.channelId,
      supervisionId: leg.supervisionId,
      supervisorUserId: leg.supervisorUserId,
      supervisor: leg.supervisor,
      seat: leg.seat,
      agentId: leg.agentId,
      mode: leg.mode,
      state,
      previousMode,
      reason,
    });
  }

  /**
   * After (re)connecting, once the calls are re-adopted: supervisor legs left in the app by a previous process
   * are taken back from their open audit segment and what Asterisk shows (is the seat up, which bridge holds
   * it, which snoop feeds it), so the supervisor goes on listening, whispering, barging or holding a taken-over
   * call, and can switch mode or stop, without redialling. A leg whose call is over or no longer with an agent
   * is hung up and its segment closed (`call-control-restarted`); stray snoops go too.
   */
  async reconcile(channels: AriChannel[], bridges: AriBridge[]): Promise<void> {
    try {
      const ours = channels.filter((channel) => {
        const [app, kind] = (channel.dialplan.app_data ?? '').split(',');
        return channel.dialplan.app_name === 'Stasis' && app === this.config.ARI_APP && this.owns([kind ?? '']);
      });
      const args = (channel: AriChannel) => channel.dialplan.app_data!.split(',');
      const snoopsOf = (supervisionId: string) => ours.filter((channel) => args(channel)[1] === SUPERVISOR_SNOOP_ARG && args(channel)[2] === supervisionId);
      const orphanIds: string[] = [];
      let adopted = 0;
      for (const channel of ours.filter((candidate) => args(candidate)[1] === SUPERVISOR_LEG_ARG)) {
        const supervisionId = args(channel)[2] ?? '';
        if (this.legs.has(channel.id)) continue;
        const leg = await this.legFromAsterisk(channel, supervisionId, snoopsOf(supervisionId), bridges);
        if (leg) {
          adopted += 1;
          continue;
        }
        orphanIds.push(supervisionId);
        await this.hangup(channel.id);
      }
      // Snoops of no live leg (theirs was dropped above, or replaced by a newer snoop before the restart).
      for (const snoop of ours.filter((channel) => args(channel)[1] === SUPERVISOR_SNOOP_ARG && !this.snoops.has(channel.id))) await this.hangup(snoop.id);
      const ids = [...new Set(orphanIds.filter((id) => /^[0-9a-f-]{36}$/.test(id)))];
      const closed = await this.audit.endOrphans(ids, this.clock.now(), 'call-control-restarted');
      if (adopted > 0) this.logger.log(`Re-adopted ${adopted} supervisor leg(s)`);
      if (ids.length > 0) this.logger.warn(`Hung up ${ids.length} supervisor leg(s) whose call is over or not with an agent; closed ${closed} audit row(s)`);
    } catch (error) {
      this.logger.error(`Reconciling supervisor legs failed: ${(error as Error).message}`, (error as Error).stack);
    }
  }

  /** A leg rebuilt from its open segment and Asterisk's bridges, registered here; null when it cannot go on. */
  private async legFromAsterisk(channel: AriChannel, supervisionId: string, snoops: AriChannel[], bridges: AriBridge[]): Promise<SupervisorLeg | null> {
    const segment = await this.audit.openSegment(supervisionId);
    const session = segment ? this.sessions.byCallId(segment.callId) : undefined;
    if (!segment || !session || session.io.ended) return null;
    const holding = bridges.find((bridge) => bridge.channels.includes(channel.id));
    const privateBridge = bridges.find((bridge) => bridge.id === privateBridgeIdOf(supervisionId));
    const base = {
      supervisionId,
      legId: channel.id,
      session,
      supervisorUserId: segment.supervisorUserId,
      supervisor: segment.supervisor,
      seat: segment.seat ?? '',
      mode: segment.mode,
      answered: channel.state === 'Up',
      privateBridgeId: privateBridgeIdOf(supervisionId),
      privateBridgeCreated: !!privateBridge,
      inPrivateBridge: !!privateBridge?.channels.includes(channel.id),
      auditId: segment.id,
      ended: false,
    };
    let leg: SupervisorLeg;
    if (segment.mode === 'take_over') {
      // The agent is gone; the supervisor is the caller's party, in the call's bridge with them.
      if (!holding?.channels.includes(session.channelId)) return null;
      session.phase = 'talk';
      leg = { ...base, entryId: '', callBridgeId: holding.id, agentId: segment.agentId ?? '', agentChannelId: '', inCallBridge: true, snoopId: null, tookOver: true };
    } else {
      const talk = await this.acd.talkOf(session);
      if (!talk) return null;
      const feeding = snoops.find((snoop) => privateBridge?.channels.includes(snoop.id));
      leg = {
        ...base,
        entryId: talk.entryId,
        callBridgeId: talk.bridgeId,
        agentId: talk.agentId,
        agentChannelId: talk.agentChannelId,
        inCallBridge: holding?.id === talk.bridgeId,
        snoopId: feeding?.id ?? null,
        tookOver: false,
      };
    }
    this.legs.set(leg.legId, leg);
    if (leg.snoopId) this.snoops.set(leg.snoopId, leg);
    // Put it where its mode wants it if the restart caught it half-way (a switch, a snoop not yet bridged).
    const inPlace = leg.mode === 'listen' || leg.mode === 'whisper' ? leg.inPrivateBridge && !!leg.snoopId : leg.inCallBridge;
    if (leg.answered && !inPlace) await this.serially(leg, 're-adopt', () => this.apply(leg));
    this.logger.log(`Re-adopted supervisor ${leg.supervisor} on call ${session.callId} (${leg.mode}${leg.answered ? '' : ', ringing'})`);
    return leg;
  }

  private async hangup(channelId: string): Promise<void> {
    await this.ari.hangup(channelId).catch((error: unknown) => {
      if (!isAriResourceGone(error)) throw error;
    });
  }

  private async destroyBridge(bridgeId: string): Promise<void> {
    await this.ari.destroyBridge(bridgeId).catch((error: unknown) => {
      if (!isAriResourceGone(error)) throw error;
    });
  }

  private async serially(leg: SupervisorLeg, what: string, task: () => Promise<void>): Promise<void> {
    try {
      await this.serial.run(leg.session.callId, task);
    } catch (error) {
      this.logger[isAriResourceGone(error) ? 'warn' : 'error'](`Supervision ${leg.supervisionId} (${what}) failed: ${(error as Error).message}`);
      if (!leg.ended) await this.serial.run(leg.session.callId, () => this.endLeg(leg, 'failed')).catch((cleanup: Error) => this.logger.error(`Cleaning up supervision ${leg.supervisionId}: ${cleanup.message}`));
    }
  }
}
