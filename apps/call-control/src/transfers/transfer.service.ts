import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { CLOCK, Clock, KeyedSerialQueue } from '@hotline/common';
import { ARI_GATEWAY, AriBridge, AriChannel, AriGateway, NORMAL_CLEARING } from '@hotline/telephony';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallSession, CallSessionRegistry } from '../calls/call-session.registry';
import { AgentTransferService, outcomeOf, xferBridgeOf as bridgeOf } from './agent-transfer.service';
import { CallTransferRepository, TransferOutcome } from './call-transfer.repository';
import { TransferAllowList } from './transfer-allow-list';
import { TransferTrail, TransferTrailRecorder } from './transfer-trail.recorder';
import { outboundEndpoint } from './dial-string';

interface TransferLeg {
  callId: string;
  number: string;
  answered: boolean;
  /** Its call_transfers row, when the number is on the allow-list as it should be; written alongside the dialling. */
  trail: TransferTrail;
}

const RING_SECONDS = 30;

const trailLabel = (callId: string, number: string) => `Trail of the IVR transfer of call ${callId} to ${number}`;

/** What a restarted process sees of transfers in Asterisk: every bridge, and each call's transfer leg in the app. */
export interface TransferView {
  bridges: AriBridge[];
  legs: Map<string, AriChannel>;
}

/** The transfer legs among the channels in the app (`<app>,transfer,<callId>`), by call id. */
export function transferLegsByCall(channels: AriChannel[], appName: string): Map<string, AriChannel> {
  const legs = new Map<string, AriChannel>();
  for (const channel of channels) {
    const [app, kind, callId] = (channel.dialplan.app_data ?? '').split(',');
    if (channel.dialplan.app_name === 'Stasis' && app === appName && kind === 'transfer' && callId) legs.set(callId, channel);
  }
  return legs;
}

/**
 * Transfer to an allow-listed external number (the IVR's transfer node, e.g. an emergency line): the far
 * end is dialled out and bridged with the caller; the caller's MixMonitor keeps recording both sides.
 * If the far end does not answer, the caller is not dropped: `onFailure` hands them to an agent.
 * Agents' transfers (warm/blind) are AgentTransferService's; this is the one entry for transfer legs, so
 * their events are passed on to it.
 */
@Injectable()
export class TransferService {
  private readonly logger = new Logger(TransferService.name);
  private readonly legs = new Map<string, TransferLeg>();
  private readonly serial = new KeyedSerialQueue();
  private fallback: ((session: CallSession) => Promise<void>) | null = null;

  constructor(
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sessions: CallSessionRegistry,
    private readonly calls: CallLogRepository,
    private readonly events: CallEventPublisher,
    private readonly agentTransfers: AgentTransferService,
    private readonly transferRows: CallTransferRepository,
    private readonly trails: TransferTrailRecorder,
    private readonly allowList: TransferAllowList,
  ) {}

  /** What to do with a caller whose transfer failed (the call service queues them for an agent). */
  onFailure(fallback: (session: CallSession) => Promise<void>): void {
    this.fallback = fallback;
  }

  async transfer(session: CallSession, number: string): Promise<void> {
    const legId = `xfer-${randomUUID()}`;
    session.phase = 'transfer';
    const at = this.clock.now();
    // Not awaited: the caller is dialled through at once; the trail's row waits for the call's own row.
    const leg: TransferLeg = { callId: session.callId, number, answered: false, trail: this.openTrail(session, number, at) };
    this.legs.set(legId, leg);
    const payload = { callId: session.callId, channelId: session.channelId, number };
    await this.calls.appendEvent(session.callId, 'call.transferred', at, { ...payload, legId });
    await this.events.publish('call.transferred', at, payload);
    await this.ari.startMoh(session.channelId).catch((error: Error) => this.logger.debug(`MOH during transfer: ${error.message}`));
    try {
      await this.ari.originate({
        endpoint: outboundEndpoint(this.config.OUTBOUND_ENDPOINT_TEMPLATE, number),
        channelId: legId,
        callerId: session.callerNumber ?? this.config.HOTLINE_NUMBER,
        timeoutSeconds: RING_SECONDS,
        appArgs: `transfer,${session.callId}`,
      });
    } catch (error) {
      this.logger.warn(`Transfer of call ${session.callId} to ${number} could not be placed: ${(error as Error).message}`);
      this.legs.delete(legId);
      this.closeTrail(leg, 'failed', null);
      await this.fail(session);
    }
  }

  /**
   * After a call-control restart, before the ACD or the IVR take a caller back: a caller who is with a
   * transfer destination (in the transfer bridge) or being transferred by the IVR belongs here - restarting
   * their IVR would dial the emergency line a second time. True when this took the caller; for a call with
   * an agent, `readoptWithAgent` resumes an agent's transfer once the ACD has re-adopted the talk.
   */
  async readopt(session: CallSession, view: TransferView): Promise<boolean> {
    const leg = view.legs.get(session.callId) ?? null;
    const bridge = view.bridges.find((candidate) => candidate.id === bridgeOf(session.callId));
    if (bridge) {
      session.phase = 'transfer';
      const otherId = bridge.channels.find((id) => id !== session.channelId) ?? leg?.id;
      if (!otherId) {
        // The destination hung up while nobody watched: the call is over, as it would have been.
        this.logger.warn(`Call ${session.callId}: the transfer destination left while call-control was away; hanging up`);
        session.hangupCause = NORMAL_CLEARING;
        await this.ari.hangup(session.channelId).catch((error: Error) => this.logger.debug(`hangup ${session.channelId}: ${error.message}`));
        await this.ari.destroyBridge(bridge.id).catch((error: Error) => this.logger.debug(`bridge: ${error.message}`));
        return true;
      }
      // Answered, so its row was closed then: nothing is left to record.
      this.legs.set(otherId, { callId: session.callId, number: '', answered: true, trail: this.trails.existing(session.callId, trailLabel(session.callId, 'its destination'), null) });
      this.logger.log(`Re-adopted call ${session.callId} talking with its transfer destination (${otherId})`);
      return true;
    }
    const open = await this.transferRows.openTransfer(session.callId);
    if (open?.mode !== 'ivr') return false;
    session.phase = 'transfer';
    if (!leg) {
      // Dialled, and gone (busy, no answer) while nobody watched: the caller goes to an agent, as on a failure.
      await this.transferRows.ended(open.id, 'failed', this.clock.now(), null);
      await this.fail(session);
      return true;
    }
    const trail = this.trails.existing(session.callId, trailLabel(session.callId, open.destination.number), open.id);
    this.legs.set(leg.id, { callId: session.callId, number: open.destination.number, answered: false, trail });
    this.logger.log(`Re-adopted the IVR transfer of call ${session.callId} to ${open.destination.number} (dialling)`);
    // It answered while call-control was away: that StasisStart is not sent again.
    if (leg.state === 'Up') await this.answered(leg);
    return true;
  }

  /** Trail writes an earlier process kept in Redis and did not get into Postgres (once per process). */
  resumePendingTrails(): Promise<void> {
    return this.trails.resumePending();
  }

  /** The agent's transfer of a re-adopted talking call, if the trail has one open. */
  async readoptWithAgent(session: CallSession, entry: { id: string; agentId: string }, view: TransferView): Promise<void> {
    const open = await this.transferRows.openTransfer(session.callId);
    if (!open || open.mode === 'ivr') return;
    await this.agentTransfers.readopt(session, open, entry, view.legs.get(session.callId) ?? null, view.bridges);
  }

  isTransferLeg(channelId: string): boolean {
    return this.legs.has(channelId) || this.agentTransfers.isLeg(channelId);
  }

  /** StasisStart of the far end: bridge it with the caller. */
  answered(channel: AriChannel): Promise<void> {
    if (!this.legs.has(channel.id) && this.agentTransfers.isLeg(channel.id)) return this.agentTransfers.answered(channel);
    const leg = this.legs.get(channel.id);
    return this.serial.run(channel.id, async () => {
      const session = leg ? this.sessions.byCallId(leg.callId) : undefined;
      if (!leg || !session || session.io.ended) {
        await this.ari.hangup(channel.id).catch((error: Error) => this.logger.debug(`hangup ${channel.id}: ${error.message}`));
        return;
      }
      leg.answered = true;
      await this.ari.stopMoh(session.channelId).catch((error: Error) => this.logger.debug(`stop MOH: ${error.message}`));
      await this.ari.createBridge(bridgeOf(session.callId));
      await this.ari.addToBridge(bridgeOf(session.callId), [session.channelId, channel.id]);
      // The IVR hands the caller over on answer: that is the transfer's completion.
      this.closeTrail(leg, 'completed', null, true);
    });
  }

  /** The far end is gone: before answering, the caller goes to an agent; after, the call is over. */
  legEnded(channelId: string, cause: number | null = null): boolean {
    const leg = this.legs.get(channelId);
    if (!leg) return this.agentTransfers.legEnded(channelId, cause);
    this.legs.delete(channelId);
    void this.serial.run(channelId, async () => {
      const session = this.sessions.byCallId(leg.callId);
      if (!leg.answered) this.closeTrail(leg, session && !session.io.ended ? outcomeOf(cause) : 'caller_left', cause);
      if (!session || session.io.ended) return;
      if (leg.answered) {
        session.hangupCause = NORMAL_CLEARING;
        await this.ari.hangup(session.channelId).catch((error: Error) => this.logger.debug(`hangup ${session.channelId}: ${error.message}`));
        await this.ari.destroyBridge(bridgeOf(session.callId)).catch((error: Error) => this.logger.debug(`bridge: ${error.message}`));
      } else {
        await this.fail(session);
      }
    }).catch((error: Error) => this.logger.error(`Transfer leg ${channelId} end: ${error.message}`));
    return true;
  }

  /** The caller hung up: the far end goes too. */
  async callerLeft(session: CallSession): Promise<void> {
    await this.agentTransfers.callerLeft(session);
    for (const [legId, leg] of this.legs) {
      if (leg.callId !== session.callId) continue;
      this.legs.delete(legId);
      if (!leg.answered) this.closeTrail(leg, 'caller_left', null);
      await this.ari.hangup(legId).catch((error: Error) => this.logger.debug(`hangup ${legId}: ${error.message}`));
      await this.ari.destroyBridge(bridgeOf(session.callId)).catch((error: Error) => this.logger.debug(`bridge: ${error.message}`));
    }
  }

  /**
   * The IVR's transfers are in the trail too (mode ivr), so an order taken in for the call sees an emergency
   * transfer. The allow-list entry is read as the transfer starts (as last read, while Postgres is out).
   */
  private openTrail(session: CallSession, number: string, at: Date): TransferTrail {
    return this.trails.open(
      session.callId,
      trailLabel(session.callId, number),
      async () => {
        const destination = await this.allowList.byNumber(number);
        return destination && { id: randomUUID(), callId: session.callId, destination, mode: 'ivr' as const, agentId: null, requestedBy: 'ivr', startedAt: at };
      },
      "the caller is transferred and the row is written once the call's is",
    );
  }

  /** The IVR hands the caller over on answer: answered is the transfer's completion. */
  private closeTrail(leg: TransferLeg, outcome: TransferOutcome, cause: number | null, answered = false): void {
    const at = this.clock.now();
    if (answered) this.trails.step(leg.trail, { kind: 'answered', at });
    this.trails.step(leg.trail, { kind: 'ended', outcome, at, cause });
  }

  private async fail(session: CallSession): Promise<void> {
    await this.ari.stopMoh(session.channelId).catch((error: Error) => this.logger.debug(`stop MOH: ${error.message}`));
    if (this.fallback) await this.fallback(session);
  }
}
