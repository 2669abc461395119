import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AgentStateName } from '@hotline/realtime';

export interface LoggedAgentState {
  agentId: string;
  state: AgentStateName;
  reason: string | null;
  seat: string | null;
  at: Date;
}

export interface OpenQueueCall {
  callId: string;
  channelId: string;
  callerNumber: string | null;
  /** Where the call waits now: the last overflow's target, else the queue it entered. */
  skill: string;
  originSkill: string;
  priority: number;
  enqueuedAt: Date;
  offers: number;
  /** Set for a call being talked (answered, not ended). */
  agentId: string | null;
  answeredAt: Date | null;
}

export interface QueuedCallback {
  id: string;
  originCallId: string | null;
  number: string;
  skill: string;
  reason: 'abandoned' | 'requested' | 'manual';
  rankAt: Date;
  originPriority: number | null;
}

/** What Postgres knows of the ACD's live state: read only when Redis lost it (AcdStateRebuilder). */
@Injectable()
export class AcdRebuildRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Each agent's last logged state, for agents not logged out. */
  async loggedInAgents(): Promise<LoggedAgentState[]> {
    const rows: Array<{ agent_id: string; state: AgentStateName; reason: string | null; seat: string | null; at: Date }> = await this.dataSource.query(
      `SELECT * FROM (SELECT DISTINCT ON (agent_id) agent_id, state, reason, seat, at FROM acd_agent_state_log ORDER BY agent_id, id DESC) last
       WHERE state <> 'logged_out' ORDER BY at`,
    );
    return rows.map((row) => ({ agentId: row.agent_id, state: row.state, reason: row.reason, seat: row.seat, at: row.at }));
  }

  /** Queued calls still up: waiting (no outcome yet) or being talked (answered, call not ended). */
  async openQueueCalls(): Promise<OpenQueueCall[]> {
    const rows: Array<{
      call_id: string; channel_id: string; caller_number: string | null; skill: string; origin_skill: string; priority: number;
      enqueued_at: Date; offers: number; agent_id: string | null; answered_at: Date | null;
    }> = await this.dataSource.query(
      `SELECT q.call_id, c.channel_id, c.caller_number, q.skill AS origin_skill, q.priority, q.enqueued_at, q.agent_id, q.answered_at,
              coalesce((SELECT e.payload->>'toSkill' FROM call_events e WHERE e.call_id = q.call_id AND e.type = 'call.overflowed' ORDER BY e.sequence DESC LIMIT 1), q.skill) AS skill,
              (SELECT count(*)::int FROM call_events e WHERE e.call_id = q.call_id AND e.type = 'call.offered') AS offers
       FROM acd_queue_calls q JOIN calls c ON c.id = q.call_id
       WHERE c.status <> 'ended' AND (q.outcome IS NULL OR q.outcome = 'answered')
       ORDER BY q.enqueued_at`,
    );
    return rows.map((row) => ({
      callId: row.call_id,
      channelId: row.channel_id,
      callerNumber: row.caller_number,
      skill: row.skill,
      originSkill: row.origin_skill,
      priority: row.priority,
      enqueuedAt: row.enqueued_at,
      offers: row.offers,
      agentId: row.answered_at ? row.agent_id : null,
      answeredAt: row.answered_at,
    }));
  }

  async queuedCallbacks(): Promise<QueuedCallback[]> {
    const rows: Array<{ id: string; origin_call_id: string | null; number: string; skill: string; reason: QueuedCallback['reason']; rank_at: Date; origin_priority: number | null }> =
      await this.dataSource.query(
        `SELECT b.id, b.origin_call_id, b.number, b.skill, b.reason, b.rank_at, q.priority AS origin_priority
         FROM acd_callbacks b LEFT JOIN acd_queue_calls q ON q.call_id = b.origin_call_id WHERE b.status = 'queued' ORDER BY b.rank_at`,
      );
    return rows.map((row) => ({ id: row.id, originCallId: row.origin_call_id, number: row.number, skill: row.skill, reason: row.reason, rankAt: row.rank_at, originPriority: row.origin_priority }));
  }
}
