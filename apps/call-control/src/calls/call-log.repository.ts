import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface NewCall {
  channelId: string;
  direction: 'inbound' | 'outbound';
  callerNumber: string | null;
  dialedNumber: string;
  startedAt: Date;
  /** The line (DNIS) and its skill, known from the start for inbound calls. */
  lineNumber?: string | null;
  skill?: string | null;
}

export interface AppendedEvent {
  sequence: number;
}

/** Postgres is the record of every call and its timeline. */
@Injectable()
export class CallLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Idempotent on the channel id: a re-adopted or re-delivered call keeps its first record. */
  async createCall(call: NewCall): Promise<{ id: string; created: boolean }> {
    const rows: Array<{ id: string; created: boolean }> = await this.dataSource.query(
      `INSERT INTO calls (channel_id, direction, caller_number, dialed_number, status, started_at, line_number, skill)
       VALUES ($1, $2, $3, $4, 'ringing', $5, $6, $7)
       ON CONFLICT (channel_id) DO UPDATE SET updated_at = calls.updated_at
       RETURNING id, (xmax = 0) AS created`,
      [call.channelId, call.direction, call.callerNumber, call.dialedNumber, call.startedAt, call.lineNumber ?? null, call.skill ?? null],
    );
    return rows[0];
  }

  async findById(callId: string): Promise<{ id: string; status: string; channelId: string } | null> {
    const rows: Array<{ id: string; status: string; channel_id: string }> = await this.dataSource.query(
      `SELECT id, status, channel_id FROM calls WHERE id = $1`,
      [callId],
    );
    return rows[0] ? { id: rows[0].id, status: rows[0].status, channelId: rows[0].channel_id } : null;
  }

  async findOpenCallByChannel(channelId: string): Promise<{ id: string; status: string } | null> {
    const rows: Array<{ id: string; status: string }> = await this.dataSource.query(
      `SELECT id, status FROM calls WHERE channel_id = $1 AND status <> 'ended'`,
      [channelId],
    );
    return rows[0] ?? null;
  }

  /** Appends to the timeline; the sequence comes from the call row in the same statement, so it has no gaps or races. */
  async appendEvent(callId: string, type: string, occurredAt: Date, payload: Record<string, unknown>): Promise<AppendedEvent> {
    const rows: Array<{ sequence: number }> = await this.dataSource.query(
      `WITH next AS (
         UPDATE calls SET last_sequence = last_sequence + 1, updated_at = now() WHERE id = $1 RETURNING last_sequence
       )
       INSERT INTO call_events (call_id, sequence, type, occurred_at, payload)
       SELECT $1, last_sequence, $2, $3, $4 FROM next
       RETURNING sequence`,
      [callId, type, occurredAt, JSON.stringify(payload)],
    );
    return rows[0];
  }

  async setTag(callId: string, key: string, value: string): Promise<void> {
    await this.dataSource.query(`UPDATE calls SET tags = tags || jsonb_build_object($2::text, $3::text), updated_at = now() WHERE id = $1`, [callId, key, value]);
  }

  /** The line (DNIS) the call came in on and the skill it is routed to. */
  async setRouting(callId: string, lineNumber: string, skill: string): Promise<void> {
    await this.dataSource.query(`UPDATE calls SET line_number = $2, skill = $3, updated_at = now() WHERE id = $1`, [callId, lineNumber, skill]);
  }

  /**
   * The answer and its timeline event in one statement (one round trip instead of two: this runs for every
   * call, and Postgres statements are most of call-control's CPU per call - bench/README.md).
   */
  async answeredWithEvent(callId: string, answeredAt: Date, payload: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(
      `WITH next AS (
         UPDATE calls SET status = 'answered', answered_at = $2, last_sequence = last_sequence + 1, updated_at = now() WHERE id = $1 RETURNING last_sequence
       )
       INSERT INTO call_events (call_id, sequence, type, occurred_at, payload) SELECT $1, last_sequence, 'call.answered', $2, $3 FROM next`,
      [callId, answeredAt, JSON.stringify(payload)],
    );
  }

  /** The end and its timeline event in one statement; nothing happens for a call already ended. */
  async endedWithEvent(callId: string, endedAt: Date, cause: number | null, causeText: string | null, payload: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(
      `WITH next AS (
         UPDATE calls SET status = 'ended', ended_at = $2, hangup_cause = $3, hangup_cause_text = $4, last_sequence = last_sequence + 1, updated_at = now()
         WHERE id = $1 AND status <> 'ended' RETURNING last_sequence
       )
       INSERT INTO call_events (call_id, sequence, type, occurred_at, payload) SELECT $1, last_sequence, 'call.ended', $2, $5 FROM next`,
      [callId, endedAt, cause, causeText, JSON.stringify(payload)],
    );
  }

  async markAnswered(callId: string, answeredAt: Date): Promise<void> {
    await this.dataSource.query(`UPDATE calls SET status = 'answered', answered_at = $2, updated_at = now() WHERE id = $1`, [callId, answeredAt]);
  }

  async markEnded(callId: string, endedAt: Date, cause: number | null, causeText: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE calls SET status = 'ended', ended_at = $2, hangup_cause = $3, hangup_cause_text = $4, updated_at = now()
       WHERE id = $1 AND status <> 'ended'`,
      [callId, endedAt, cause, causeText],
    );
  }

  /** Calls left open by a process that died or by an Asterisk that restarted. */
  async listOpenCalls(): Promise<Array<{ id: string; channelId: string; startedAt: Date }>> {
    const rows: Array<{ id: string; channel_id: string; started_at: Date }> = await this.dataSource.query(
      `SELECT id, channel_id, started_at FROM calls WHERE status <> 'ended'`,
    );
    return rows.map((row) => ({ id: row.id, channelId: row.channel_id, startedAt: row.started_at }));
  }
}
