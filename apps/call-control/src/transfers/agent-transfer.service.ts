import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { CLOCK, Clock, KeyedSerialQueue } from '@hotline/common';
import type { HotlineCommandPayloads, TransferEventPayload, TransferEventPayloads } from '@hotline/realtime';
import { ARI_GATEWAY, AriBridge, AriChannel, AriGateway, NORMAL_CLEARING } from '@hotline/telephony';
import { AcdService, bridgeOf as acdBridgeOf } from '../acd/acd.service';
import { AcdStateStore } from '../acd/acd-state.store';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallSession, CallSessionRegistry } from '../calls/call-session.registry';
import { TransferAllowList } from './transfer-allow-list';
import { TransferTrail, TransferTrailRecorder } from './transfer-trail.recorder';
import { CallTransferRepository, OpenCallTransfer, TransferDestination, TransferOutcome } from './call-transfer.repository';
import { outboundEndpoint } from './dial-string';
import {
  TransferCallNotConnectedError,
  TransferDestinationNotAllowedError,
  TransferInProgressError,
  TransferNotFoundError,
  TransferNotYourCallError,
  TransferWrongStateError,
} from './transfer.errors';

/**
 * dialling: the destination rings; consulting: it answered and talks with the agent; conference: the
 * citizen joined (three-way); handed: citizen and destination talk, the agent has left; ended.
 */
type TransferState = 'dialling' | 'consulting' | 'conference' | 'handed' | 'ended';

interface AgentTransfer {
  id: string;
  callId: string;
  /** The destination's channel (placed through the carrier trunk). */
  legId: string;
  mode: 'warm' | 'blind';
  destination: TransferDestination;
  agentId: string;
  /** The ACD's bridge of the call (agent and citizen; the consult happens in it). */
  acdBridgeId: string;
  state: TransferState;
  /** The citizen is out of the ACD bridge, hearing music on hold. */
  held: boolean;
  /** The agent hung up before the destination took the citizen: the transfer carries on without them. */
  agentGone: boolean;
  /** Its call_transfers row and the steps recorded in it, in order, off the call path. */
  trail: TransferTrail;
}

type Action = 'complete' | 'conference' | 'cancel';
type Transition = HotlineCommandPayloads['transfer.complete'];

const trailLabel = (id: string, callId: string, number: string) => `Trail of transfer ${id} (call ${callId} to ${number})`;

/** Q.850: 17 user busy; 18/19 no answer; anything else before answer is a failure. */
export function outcomeOf(cause: number | null): TransferOutcome {
  if (cause === 17) return 'busy';
  if (cause === 18 || cause === 19) return 'no_answer';
  return 'failed';
}

/**
 * An agent's transfer of a connected call to an allow-listed destination through the carrier trunk.
 * Warm: the citizen hears music on hold (or stays and listens), the destination joins the agent in the
 * call's bridge to consult; then complete (citizen ↔ destination in a bridge of their own, the agent goes to
 * wrap-up), conference (the citizen rejoins: three-way) or cancel. Blind: no consult; the agent stays on
 * until the destination answers, so a busy or unanswered destination brings the citizen back to them.
 * The citizen's MixMonitor (on their channel) records every part they are in, the three-way part included.
 * Every transfer leaves a row in call_transfers (destination, times, outcome).
 */
@Injectable()
export class AgentTransferService implements OnModuleInit {
  private readonly logger = new Logger(AgentTransferService.name);
  private readonly serial = new KeyedSerialQueue();
  private readonly byCall = new Map<string, AgentTransfer>();
  private readonly byLeg = new Map<string, AgentTransfer>();

  constructor(
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sessions: CallSessionRegistry,
    private readonly acd: AcdService,
    private readonly acdState: AcdStateStore,
    private readonly transferRows: CallTransferRepository,
    private readonly trails: TransferTrailRecorder,
    private readonly allowList: TransferAllowList,
    private readonly calls: CallLogRepository,
    private readonly events: CallEventPublisher,
  ) {}

  onModuleInit(): void {
    this.acd.onAgentLeft((session) => Promise.resolve(this.agentLeft(session)));
  }

  /** Null when this process does not hold the call (another node answers). */
  async start(request: HotlineCommandPayloads['transfer.start']): Promise<Record<string, unknown> | null> {
    const session = this.sessions.byCallId(request.callId);
    if (!session) return null;
    return this.serial.run(request.callId, async () => {
      const entry = session.entryId && !session.io.ended && session.phase === 'talk' ? await this.acdState.entry(session.entryId) : null;
      if (!entry || entry.state !== 'connected') throw new TransferCallNotConnectedError(request.callId);
      if (request.agentId && entry.agentId !== request.agentId) throw new TransferNotYourCallError(request.callId);
      const open = this.byCall.get(request.callId);
      if (open) throw new TransferInProgressError(request.callId, open.id);
      const destination = await this.allowList.byId(request.destinationId);
      if (!destination) throw new TransferDestinationNotAllowedError(request.destinationId);
      // Validated again at the last step: the allow-list's own check constraint is not the only guard.
      const endpoint = outboundEndpoint(this.config.OUTBOUND_ENDPOINT_TEMPLATE, destination.number);
      const placed: Omit<AgentTransfer, 'trail'> = {
        id: randomUUID(),
        callId: request.callId,
        legId: `xfer-${randomUUID()}`,
        mode: request.mode,
        destination,
        agentId: entry.agentId,
        acdBridgeId: acdBridgeOf(entry.id),
        state: 'dialling',
        held: false,
        agentGone: false,
      };
      // Not awaited: the destination (110, 119, 120, 122...) is dialled at once, whatever Postgres is doing.
      const transfer: AgentTransfer = { ...placed, trail: this.openTrail(placed, request.requestedBy) };
      this.byCall.set(transfer.callId, transfer);
      this.byLeg.set(transfer.legId, transfer);
      try {
        if (request.mode === 'blind' || request.hold) await this.hold(transfer, session);
        await this.publish('transfer.started', transfer, session, null, null);
        await this.ari.originate({
          endpoint,
          channelId: transfer.legId,
          // The dispatcher sees the citizen's number (they may need to call back); else the hotline's.
          callerId: session.callerNumber ?? this.config.HOTLINE_NUMBER,
          timeoutSeconds: destination.ringTimeoutSeconds,
          appArgs: `transfer,${transfer.callId}`,
        });
      } catch (error) {
        this.logger.warn(`Transfer of call ${transfer.callId} to ${destination.number} could not be placed: ${(error as Error).message}`);
        this.byLeg.delete(transfer.legId);
        await this.failed(transfer, session, 'failed', null);
      }
      return { transferId: transfer.id, state: transfer.state, outcome: transfer.state === 'ended' ? 'failed' : null };
    });
  }

  complete(request: Transition): Promise<Record<string, unknown> | null> {
    return this.act(request, 'complete', async (transfer, session) => {
      if (transfer.state !== 'consulting' && transfer.state !== 'conference') throw new TransferWrongStateError(transfer.id, transfer.state, 'complete');
      await this.handToDestination(transfer, session);
    });
  }

  conference(request: Transition): Promise<Record<string, unknown> | null> {
    return this.act(request, 'conference', async (transfer, session) => {
      if (transfer.state !== 'consulting') throw new TransferWrongStateError(transfer.id, transfer.state, 'make it three-way');
      await this.unhold(transfer, session);
      transfer.state = 'conference';
      const at = this.clock.now();
      this.trails.step(transfer.trail, { kind: 'conference', at });
      await this.publish('transfer.conference', transfer, session, null, null);
    });
  }

  cancel(request: Transition): Promise<Record<string, unknown> | null> {
    return this.act(request, 'cancel', async (transfer, session) => {
      if (transfer.state === 'handed' || transfer.state === 'ended') throw new TransferWrongStateError(transfer.id, transfer.state, 'cancel');
      this.end(transfer, 'cancelled', null);
      await this.hangup(transfer.legId);
      await this.unhold(transfer, session);
      await this.publish('transfer.cancelled', transfer, session, 'cancelled', null);
    });
  }

  /**
   * After a call-control restart, a talking call whose trail has an agent transfer open: take it back from
   * what Asterisk shows (the destination's channel, who is in the call's bridge) so the agent can complete,
   * conference or cancel as before. If the destination went while nobody watched, the citizen is back with
   * the agent and the desktop is told the transfer failed.
   */
  async readopt(session: CallSession, open: OpenCallTransfer, entry: { id: string; agentId: string }, leg: AriChannel | null, bridges: AriBridge[]): Promise<void> {
    const legId = leg?.id ?? null;
    const acdBridgeId = acdBridgeOf(entry.id);
    const inBridge = bridges.find((bridge) => bridge.id === acdBridgeId)?.channels ?? [];
    const transfer: AgentTransfer = {
      id: open.id,
      callId: session.callId,
      legId: legId ?? '',
      mode: open.mode === 'blind' ? 'blind' : 'warm',
      destination: open.destination,
      agentId: open.agentId ?? entry.agentId,
      acdBridgeId,
      state: open.state,
      held: !inBridge.includes(session.channelId),
      agentGone: false,
      // Read from the trail: its row is there.
      trail: this.trails.existing(session.callId, trailLabel(open.id, session.callId, open.destination.number), open.id),
    };
    await this.serially(session.callId, 'readopt', async () => {
      if (!legId) {
        await this.failed(transfer, session, open.state === 'dialling' ? 'failed' : 'destination_left', null);
        this.logger.warn(`Transfer ${open.id} of call ${session.callId}: the destination left while call-control was away; the citizen is back with the agent`);
        return;
      }
      this.byCall.set(transfer.callId, transfer);
      this.byLeg.set(legId, transfer);
      this.logger.log(`Re-adopted transfer ${open.id} of call ${session.callId} (${open.state}${transfer.held ? ', citizen on hold' : ''})`);
    });
    // It answered while call-control was away: that StasisStart is not sent again.
    if (leg && transfer.state === 'dialling' && leg.state === 'Up') await this.answered(leg);
  }

  isLeg(channelId: string): boolean {
    return this.byLeg.has(channelId);
  }

  /** StasisStart of the destination: it answered. Warm: it joins the agent; blind: it gets the citizen. */
  answered(channel: AriChannel): Promise<void> {
    const transfer = this.byLeg.get(channel.id);
    if (!transfer) return Promise.resolve();
    return this.serially(transfer.callId, 'answered', async () => {
      const session = this.sessions.byCallId(transfer.callId);
      if (transfer.state !== 'dialling' || !session || session.io.ended) {
        await this.hangup(channel.id);
        return;
      }
      const answeredAt = this.clock.now();
      this.trails.step(transfer.trail, { kind: 'answered', at: answeredAt });
      transfer.state = 'consulting';
      if (transfer.mode === 'blind' || transfer.agentGone) {
        await this.handToDestination(transfer, session);
        return;
      }
      await this.ari.addToBridge(transfer.acdBridgeId, [channel.id]);
      await this.publish('transfer.answered', transfer, session, null, null);
    });
  }

  /** The destination's channel is gone. False if it was not a transfer leg of an agent. */
  legEnded(channelId: string, cause: number | null): boolean {
    const transfer = this.byLeg.get(channelId);
    if (!transfer) return false;
    this.byLeg.delete(channelId);
    void this.serially(transfer.callId, 'leg ended', async () => {
      const session = this.sessions.byCallId(transfer.callId);
      const live = session && !session.io.ended ? session : undefined;
      switch (transfer.state) {
        case 'ended':
          return;
        case 'handed':
          // Citizen and destination were talking: the destination hung up, so the call is over.
          this.byCall.delete(transfer.callId);
          transfer.state = 'ended';
          if (live) {
            live.hangupCause = NORMAL_CLEARING;
            await this.hangup(live.channelId);
          }
          await this.destroyBridge(xferBridgeOf(transfer.callId));
          return;
        case 'dialling':
          await this.failed(transfer, live, outcomeOf(cause), cause);
          return;
        default:
          // It hung up during the consult (or the three-way part): the citizen is back with the agent.
          await this.failed(transfer, live, 'destination_left', cause);
      }
    });
    return true;
  }

  /** The citizen hung up (the ACD has already ended the agent's talk): the destination goes too. */
  async callerLeft(session: CallSession): Promise<void> {
    const transfer = this.byCall.get(session.callId);
    if (!transfer) {
      // A row left open by a restart mid-transfer would say "in progress" forever. A call this process took
      // from the start has none (a query less per call).
      if (session.readopted) await this.transferRows.closeLeftOver(session.callId, 'caller_left', this.clock.now());
      return;
    }
    this.byCall.delete(session.callId);
    await this.serially(transfer.callId, 'caller left', async () => {
      const previous = transfer.state;
      if (previous === 'ended') return;
      transfer.state = 'ended';
      await this.hangup(transfer.legId);
      if (previous === 'handed') {
        await this.destroyBridge(xferBridgeOf(transfer.callId));
        return;
      }
      this.recordEnd(transfer, 'caller_left', null);
      await this.publish('transfer.failed', transfer, session, 'caller_left', null);
    });
  }

  /**
   * The agent hung up their phone while a transfer was open (called by the ACD, inside its own queue, so
   * the work is queued here rather than awaited). Answered destination: the citizen is handed over (hanging
   * up ends an attended transfer). Still ringing: the citizen keeps waiting on hold, as in a blind transfer.
   */
  private agentLeft(session: CallSession): boolean {
    const transfer = this.byCall.get(session.callId);
    if (!transfer || transfer.state === 'handed' || transfer.state === 'ended') return false;
    transfer.agentGone = true;
    void this.serially(transfer.callId, 'agent left', async () => {
      if (transfer.state === 'consulting' || transfer.state === 'conference') {
        await this.handToDestination(transfer, session);
      } else if (transfer.state === 'dialling' && !transfer.held) {
        transfer.held = true;
        await this.ari.startMoh(session.channelId).catch((error: Error) => this.logger.debug(`MOH on ${session.channelId}: ${error.message}`));
      }
    });
    return true;
  }

  /** Citizen and destination in a bridge of their own; the agent leaves (wrap-up). */
  private async handToDestination(transfer: AgentTransfer, session: CallSession): Promise<void> {
    if (transfer.held) await this.ari.stopMoh(session.channelId).catch((error: Error) => this.logger.debug(`stop MOH on ${session.channelId}: ${error.message}`));
    else await this.leaveBridge(transfer.acdBridgeId, session.channelId);
    transfer.held = false;
    await this.leaveBridge(transfer.acdBridgeId, transfer.legId);
    const bridgeId = xferBridgeOf(transfer.callId);
    try {
      await this.ari.createBridge(bridgeId);
      await this.ari.addToBridge(bridgeId, [session.channelId, transfer.legId]);
    } catch (error) {
      // The destination vanished mid-move (its end is queued behind this): the citizen must not be left alone.
      if (!transfer.agentGone) await this.ari.addToBridge(transfer.acdBridgeId, [session.channelId]).catch((back: Error) => this.logger.warn(`Citizen ${session.channelId} not back with the agent: ${back.message}`));
      throw error;
    }
    transfer.state = 'handed';
    session.phase = 'transfer';
    // When the agent hung up, the ACD is ending their talk itself (it asked us).
    if (!transfer.agentGone) await this.acd.handOver(session);
    this.recordEnd(transfer, 'completed', null);
    await this.publish('transfer.completed', transfer, session, 'completed', null);
  }

  /** Busy, no answer, failure, or the destination left mid-consult: the citizen goes back to the agent. */
  private async failed(transfer: AgentTransfer, session: CallSession | undefined, outcome: TransferOutcome, cause: number | null): Promise<void> {
    this.end(transfer, outcome, cause);
    if (!session) return;
    if (transfer.agentGone) {
      // Nobody to come back to: the citizen is queued for the next agent rather than dropped.
      await this.ari.stopMoh(session.channelId).catch((error: Error) => this.logger.debug(`stop MOH on ${session.channelId}: ${error.message}`));
      await this.acd.enqueue(session, { skill: session.line?.skill ?? 'general', priority: 0 });
    } else {
      await this.unhold(transfer, session);
    }
    await this.publish('transfer.failed', transfer, session, outcome, cause);
  }

  private end(transfer: AgentTransfer, outcome: TransferOutcome, cause: number | null): void {
    transfer.state = 'ended';
    if (this.byCall.get(transfer.callId) === transfer) this.byCall.delete(transfer.callId);
    this.recordEnd(transfer, outcome, cause);
  }

  private openTrail(transfer: Omit<AgentTransfer, 'trail'>, requestedBy: string): TransferTrail {
    const startedAt = this.clock.now();
    return this.trails.open(
      transfer.callId,
      trailLabel(transfer.id, transfer.callId, transfer.destination.number),
      async () => ({ id: transfer.id, callId: transfer.callId, destination: transfer.destination, mode: transfer.mode, agentId: transfer.agentId, requestedBy, startedAt }),
      "the transfer goes on and its row is written once the call's is",
    );
  }

  private recordEnd(transfer: AgentTransfer, outcome: TransferOutcome, cause: number | null): void {
    const at = this.clock.now();
    this.trails.step(transfer.trail, { kind: 'ended', outcome, at, cause });
  }

  private async hold(transfer: AgentTransfer, session: CallSession): Promise<void> {
    await this.ari.removeFromBridge(transfer.acdBridgeId, [session.channelId]);
    transfer.held = true;
    await this.ari.startMoh(session.channelId);
  }

  /** The citizen back in the ACD bridge with the agent (after a hold). */
  private async unhold(transfer: AgentTransfer, session: CallSession): Promise<void> {
    if (!transfer.held) return;
    transfer.held = false;
    await this.ari.stopMoh(session.channelId).catch((error: Error) => this.logger.debug(`stop MOH on ${session.channelId}: ${error.message}`));
    await this.ari.addToBridge(transfer.acdBridgeId, [session.channelId]);
  }

  private act(request: Transition, action: Action, run: (transfer: AgentTransfer, session: CallSession) => Promise<void>): Promise<Record<string, unknown> | null> {
    const session = this.sessions.byCallId(request.callId);
    if (!session) return Promise.resolve(null);
    return this.serial.run(request.callId, async () => {
      const transfer = this.byCall.get(request.callId);
      if (!transfer || transfer.id !== request.transferId) throw new TransferNotFoundError(request.transferId);
      if (request.agentId && transfer.agentId !== request.agentId) throw new TransferNotYourCallError(request.callId);
      this.logger.log(`${action} transfer ${transfer.id} of call ${transfer.callId} (requested by ${request.requestedBy})`);
      await run(transfer, session);
      return { transferId: transfer.id, state: transfer.state };
    });
  }

  private async publish(type: keyof TransferEventPayloads, transfer: AgentTransfer, session: Pick<CallSession, 'channelId'>, outcome: string | null, hangupCause: number | null): Promise<void> {
    const at = this.clock.now();
    const payload: TransferEventPayload = {
      callId: transfer.callId,
      channelId: session.channelId,
      transferId: transfer.id,
      mode: transfer.mode,
      destinationNumber: transfer.destination.number,
      destinationName: transfer.destination.name,
      emergency: transfer.destination.emergency,
      agentId: transfer.agentId,
      state: transfer.state === 'handed' ? 'ended' : transfer.state,
      outcome,
      hangupCause,
    };
    await this.calls.appendEvent(transfer.callId, type, at, { ...payload });
    await this.events.publish(type, at, payload);
  }

  private async leaveBridge(bridgeId: string, channelId: string): Promise<void> {
    // Not in it (any more) is fine: the point is that it is out.
    await this.ari.removeFromBridge(bridgeId, [channelId]).catch((error: Error) => this.logger.debug(`remove ${channelId} from ${bridgeId}: ${error.message}`));
  }

  private async hangup(channelId: string): Promise<void> {
    await this.ari.hangup(channelId).catch((error: Error) => this.logger.debug(`hangup ${channelId}: ${error.message}`));
  }

  private async destroyBridge(bridgeId: string): Promise<void> {
    await this.ari.destroyBridge(bridgeId).catch((error: Error) => this.logger.debug(`bridge ${bridgeId}: ${error.message}`));
  }

  private async serially(callId: string, what: string, task: () => Promise<void>): Promise<void> {
    try {
      await this.serial.run(callId, task);
    } catch (error) {
      this.logger.error(`Transfer ${what} for call ${callId} failed: ${(error as Error).message}`, (error as Error).stack);
    }
  }
}

/** Citizen and destination after the agent has left (the IVR's transfer node uses the same name). */
export function xferBridgeOf(callId: string): string {
  return `xfer-bridge-${callId}`;
}
