import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AgentStateName } from '@hotline/realtime';
import { CallTimelineWriter } from '../calls/call-timeline.writer';

export interface QueueDayStats {
  skill: string;
  offered: number;
  answered: number;
  answeredWithinThreshold: number;
  abandoned: number;
  callbacks: number;
}

/** What the ACD writes to Postgres as it goes: agent state history, queued calls' outcomes, callbacks. */
@Injectable()
export class AcdRecordRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly timeline: CallTimelineWriter,
  ) {}

  /** Written behind the ACD by the timeline writer: a state change never waits for (or fails with) Postgres. */
  async logAgentState(agentId: string, state: AgentStateName, reason: string | null, seat: string | null, callId: string | null, at: Date, wrapUntil: Date | null = null): Promise<void> {
    this.timeline.write({ op: 'agent-state', entryId: randomUUID(), agentId, state, reason: reason || null, seat: seat || null, callId: callId || null, at: at.toISOString(), wrapUntil: wrapUntil?.toISOString() ?? null });
  }

  /** Written behind the call with its timeline (CallTimelineWriter): the ACD never waits for Postgres here. */
  async queued(callId: string, skill: string, priority: number, at: Date): Promise<void> {
    this.timeline.write({ op: 'queue', action: 'queued', callId, skill, priority, at: at.toISOString() });
  }

  /** Offers are counted in Redis while the call waits and written once, with the outcome (one statement per call). */
  async answered(callId: string, agentId: string, skill: string, at: Date, waitMs: number, offers: number): Promise<void> {
    this.timeline.write({ op: 'queue', action: 'answered', callId, agentId, skill, at: at.toISOString(), waitMs, offers });
  }

  async left(callId: string, outcome: 'abandoned' | 'callback' | 'transferred', skill: string, at: Date, waitMs: number, offers: number): Promise<void> {
    this.timeline.write({ op: 'queue', action: 'left', callId, outcome, skill, at: at.toISOString(), waitMs, offers });
  }

  /**
   * Writes the callback's row, once for its id: `created` is false when a row with that id was there already
   * (a promise queued again after a restart), with the status it has.
   */
  async createCallback(callback: { id: string; originCallId: string | null; number: string; skill: string; reason: 'abandoned' | 'requested' | 'manual'; rankAt: Date }): Promise<{ id: string; created: boolean; status: string }> {
    const rows: Array<{ id: string; created: boolean; status: string }> = await this.dataSource.query(
      `WITH inserted AS (
         INSERT INTO acd_callbacks (id, origin_call_id, number, skill, reason, status, rank_at) VALUES ($1, $2, $3, $4, $5, 'queued', $6)
         ON CONFLICT (id) DO NOTHING RETURNING id, status
       )
       SELECT id, true AS created, status FROM inserted
       UNION ALL
       SELECT id, false AS created, status FROM acd_callbacks WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`,
      [callback.id, callback.originCallId, callback.number, callback.skill, callback.reason, callback.rankAt],
    );
    return rows[0]!;
  }

  async callbackStatus(id: string, status: 'queued' | 'dialling' | 'connected' | 'failed' | 'cancelled', agentId: string | null, callbackCallId: string | null = null): Promise<void> {
    await this.dataSource.query(
      `UPDATE acd_callbacks SET status = $2, agent_id = coalesce($3, agent_id), callback_call_id = coalesce($4, callback_call_id),
         attempts = attempts + CASE WHEN $2 = 'dialling' THEN 1 ELSE 0 END, updated_at = now() WHERE id = $1`,
      [id, status, agentId, callbackCallId],
    );
  }

  async callback(id: string): Promise<{ id: string; number: string; skill: string; originCallId: string | null; status: string } | null> {
    const rows: Array<{ id: string; number: string; skill: string; origin_call_id: string | null; status: string }> = await this.dataSource.query(
      `SELECT id, number, skill, origin_call_id, status FROM acd_callbacks WHERE id = $1`,
      [id],
    );
    return rows[0] ? { id: rows[0].id, number: rows[0].number, skill: rows[0].skill, originCallId: rows[0].origin_call_id, status: rows[0].status } : null;
  }

  /** Today (China time) per queue: offered, answered (and within the service-level threshold), abandoned. */
  async dayStats(skill: string, dayStart: Date, thresholdSeconds: number): Promise<QueueDayStats> {
    const rows: Array<Record<string, number>> = await this.dataSource.query(
      `SELECT count(*)::int AS offered,
              count(*) FILTER (WHERE outcome = 'answered')::int AS answered,
              count(*) FILTER (WHERE outcome = 'answered' AND wait_ms <= $3 * 1000)::int AS within,
              count(*) FILTER (WHERE outcome = 'abandoned')::int AS abandoned,
              count(*) FILTER (WHERE outcome = 'callback')::int AS callbacks
       FROM acd_queue_calls WHERE coalesce(final_skill, skill) = $1 AND enqueued_at >= $2`,
      [skill, dayStart, thresholdSeconds],
    );
    const row = rows[0] ?? {};
    return { skill, offered: row.offered ?? 0, answered: row.answered ?? 0, answeredWithinThreshold: row.within ?? 0, abandoned: row.abandoned ?? 0, callbacks: row.callbacks ?? 0 };
  }
}
