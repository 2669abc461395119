import { Injectable } from '@nestjs/common';
import type { AcdSnapshot, AgentStateView, HotlineEvent, QueueStatsView } from '@hotline/realtime';

/**
 * The latest queue and agent picture for snapshots, folded from call-control's `queue.stats` and
 * `agent.state-changed` events as this instance relays them. `null` until the first such event, so the
 * wallboard says "ACD not connected" instead of showing made-up zeros. Rebuildable: an instance that starts
 * later learns the picture from the next events (call-control publishes queue stats on every change).
 */
@Injectable()
export class AcdStateStore {
  private readonly queues = new Map<string, QueueStatsView>();
  private readonly agents = new Map<string, AgentStateView>();

  /**
   * `recorded`: agents' last states from the ACD's log in Postgres (the record, complete after a restart);
   * a newer state this instance relayed wins over it.
   */
  current(recorded: AgentStateView[] = []): AcdSnapshot | null {
    const agents = new Map(recorded.map((agent) => [agent.agentId, agent]));
    for (const agent of this.agents.values()) {
      const known = agents.get(agent.agentId);
      if (!known || Date.parse(known.since) <= Date.parse(agent.since)) agents.set(agent.agentId, agent);
    }
    if (this.queues.size === 0 && agents.size === 0) return null;
    return { queues: [...this.queues.values()], agents: [...agents.values()].sort((a, b) => a.agentId.localeCompare(b.agentId)) };
  }

  apply(event: HotlineEvent): void {
    if (event.type === 'queue.stats') {
      const stats = (event as HotlineEvent<'queue.stats'>).payload;
      this.queues.set(stats.skill, {
        queue: stats.skill,
        waiting: stats.waiting,
        staffed: stats.staffed,
        ready: stats.ready,
        answered: stats.answered,
        abandoned: stats.abandoned,
        serviceLevel: stats.serviceLevel,
        handleTimeSeconds: stats.handleTimeSeconds,
        longestWaitSeconds: stats.longestWaitSeconds,
        estimatedWaitSeconds: stats.estimatedWaitSeconds,
        updatedAt: event.occurredAt,
      });
    } else if (event.type === 'agent.state-changed') {
      const change = (event as HotlineEvent<'agent.state-changed'>).payload;
      this.agents.set(change.agentId, {
        agentId: change.agentId,
        state: change.state,
        reason: change.reason,
        seat: change.seat,
        callId: change.callId,
        since: event.occurredAt,
        wrapUpEndsAt: change.wrapUpEndsAt ?? null,
      });
    }
  }
}
