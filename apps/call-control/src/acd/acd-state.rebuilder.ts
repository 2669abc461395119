import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { ARI_GATEWAY, AriChannel, AriGateway } from '@hotline/telephony';
import { AcdConfigRepository } from './acd-config.repository';
import { AcdRebuildRepository, OpenQueueCall } from './acd-rebuild.repository';
import { ABANDONED_CALLBACK_PRIORITY, AcdStateStore, QueueEntry, rankOf } from './acd-state.store';
import { bridgeOf } from './acd.service';

export interface RebuildSummary {
  agents: number;
  waiting: number;
  talks: number;
  callbacks: number;
}

/**
 * Redis restarted empty (no persistence, or a failover to a replica that was behind): the ACD's live state
 * is rebuilt from what outlives Redis - the agents' state log, the queued calls and callbacks in Postgres -
 * checked against the channels and bridges Asterisk has now. Waiting callers get their original rank back
 * (priority class + arrival), so their order is kept; talks still bridged are restored as connected.
 * A ringing offer is not restored: its caller waits again and is offered anew (the old leg, if answered,
 * finds its offer stale and is hung up).
 */
@Injectable()
export class AcdStateRebuilder {
  private readonly logger = new Logger(AcdStateRebuilder.name);

  constructor(
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly state: AcdStateStore,
    private readonly records: AcdRebuildRepository,
    private readonly config: AcdConfigRepository,
  ) {}

  /** Rebuilds when Redis no longer holds the state marker; then marks it. Null when nothing was lost. */
  async rebuildIfLost(channels: AriChannel[]): Promise<RebuildSummary | null> {
    if (await this.state.stateKept()) return null;
    const summary = await this.rebuild(channels);
    await this.state.markStateKept();
    if (summary.agents + summary.waiting + summary.talks + summary.callbacks > 0) {
      this.logger.error(
        `Redis had lost the ACD state; rebuilt from Postgres and Asterisk: ${summary.agents} agent(s), ${summary.waiting} waiting caller(s), ${summary.talks} talk(s), ${summary.callbacks} callback(s)`,
      );
    }
    return summary;
  }

  private async rebuild(channels: AriChannel[]): Promise<RebuildSummary> {
    const live = new Set(channels.map((channel) => channel.id));
    const bridges = new Map((await this.ari.listBridges()).map((bridge) => [bridge.id, bridge.channels]));
    const summary: RebuildSummary = { agents: 0, waiting: 0, talks: 0, callbacks: 0 };
    const talking = new Set<string>();
    const calls = (await this.records.openQueueCalls()).filter((call) => live.has(call.channelId));
    // Talks first: their agents must be on the call, not ready, when the waiting callers come back.
    for (const call of calls.filter((candidate) => candidate.agentId)) {
      const agentLeg = (bridges.get(bridgeOf(call.callId)) ?? []).find((channel) => channel !== call.channelId && live.has(channel));
      if (!agentLeg) continue;
      await this.loginAgent(call.agentId!);
      await this.state.restoreTalk({
        ...this.entryOf(call),
        rank: rankOf(call.priority, call.enqueuedAt.getTime()),
        state: 'connected',
        agentId: call.agentId!,
        agentChannelId: agentLeg,
        offeredAt: call.answeredAt!.getTime(),
        connectedAt: call.answeredAt!.getTime(),
        offers: call.offers,
        talkCallId: '',
      });
      talking.add(call.agentId!);
      summary.talks += 1;
    }
    for (const agent of await this.records.loggedInAgents()) {
      if (talking.has(agent.agentId) || !agent.seat) continue;
      if (!(await this.loginAgent(agent.agentId, agent.seat))) continue;
      // Ringing, talking or wrapping up when Redis went: available again (those calls are settled above).
      if (agent.state === 'not_ready') await this.state.setState(agent.agentId, 'not_ready', agent.reason ?? '', this.clock.now().getTime());
      else await this.state.setState(agent.agentId, 'ready', '', agent.at.getTime());
      summary.agents += 1;
    }
    for (const call of calls.filter((candidate) => !candidate.agentId)) {
      if (await this.state.entry(call.callId)) continue;
      await this.state.enqueueWithRank({ ...this.entryOf(call), rank: rankOf(call.priority, call.enqueuedAt.getTime()) });
      if (call.offers > 0) await this.state.updateEntry(call.callId, { offers: String(call.offers) });
      summary.waiting += 1;
    }
    for (const callback of await this.records.queuedCallbacks()) {
      const id = `cb-${callback.id}`;
      if (await this.state.entry(id)) continue;
      const priority = callback.reason === 'abandoned' ? ABANDONED_CALLBACK_PRIORITY : callback.reason === 'requested' ? (callback.originPriority ?? 0) : 0;
      await this.state.enqueueWithRank({
        id,
        kind: 'callback',
        callId: callback.originCallId ?? '',
        channelId: '',
        callerNumber: callback.number,
        skill: callback.skill,
        originSkill: callback.skill,
        priority: callback.reason === 'abandoned' ? ABANDONED_CALLBACK_PRIORITY : 0,
        rank: rankOf(priority, callback.rankAt.getTime()),
        enqueuedAt: callback.rankAt.getTime(),
        callbackId: callback.id,
      });
      summary.callbacks += 1;
    }
    return summary;
  }

  /** Logs the agent in at their seat (the talk's agent: at the seat of their last logged state). */
  private async loginAgent(agentId: string, seat?: string): Promise<boolean> {
    const record = await this.config.agent(agentId);
    const at = seat ?? (await this.records.loggedInAgents()).find((agent) => agent.agentId === agentId)?.seat ?? null;
    if (!record || !at) {
      this.logger.warn(`Agent ${agentId} could not be restored: ${record ? 'no seat in the state log' : 'not in acd_agents'}`);
      return false;
    }
    await this.state.login(agentId, at, record.skills, record.name, this.clock.now().getTime());
    return true;
  }

  private entryOf(call: OpenQueueCall): Omit<QueueEntry, 'rank' | 'state' | 'agentId' | 'agentChannelId' | 'offeredAt' | 'connectedAt' | 'offers' | 'talkCallId'> {
    return {
      id: call.callId,
      kind: 'live',
      callId: call.callId,
      channelId: call.channelId,
      callerNumber: call.callerNumber ?? '',
      skill: call.skill,
      originSkill: call.originSkill,
      priority: call.priority,
      enqueuedAt: call.enqueuedAt.getTime(),
      callbackId: '',
    };
  }
}
