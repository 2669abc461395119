import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type AuditedMode = 'listen' | 'whisper' | 'barge' | 'take_over' | 'release' | 'agent_state';

export interface AuditStart {
  supervisionId: string | null;
  callId: string | null;
  agentId: string | null;
  supervisorUserId: string;
  supervisor: string;
  seat: string | null;
  mode: AuditedMode;
  detail?: string | null;
  at: Date;
}

/** supervision_sessions: one row per mode segment of a supervisor on a call, and one per one-off action. */
@Injectable()
export class SupervisionAuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async start(row: AuditStart): Promise<string> {
    const [inserted] = (await this.dataSource.query(
      `INSERT INTO supervision_sessions (supervision_id, call_id, agent_id, supervisor_user_id, supervisor, seat, mode, detail, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [row.supervisionId, row.callId, row.agentId, row.supervisorUserId, row.supervisor, row.seat, row.mode, row.detail ?? null, row.at],
    )) as Array<{ id: string }>;
    return inserted!.id;
  }

  /** A one-off action (release, forced state): started and ended at once. */
  async oneOff(row: AuditStart): Promise<string> {
    const id = await this.start(row);
    await this.end(id, row.at, 'done');
    return id;
  }

  async end(id: string, at: Date, reason: string): Promise<void> {
    await this.dataSource.query(`UPDATE supervision_sessions SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL`, [id, at, reason]);
  }

  /** The open mode segment of a supervisor leg: what a restarted process resumes it from. */
  async openSegment(supervisionId: string): Promise<(AuditStart & { id: string; mode: Exclude<AuditedMode, 'release' | 'agent_state'>; callId: string }) | null> {
    const rows = (await this.dataSource.query(
      `SELECT id, supervision_id, call_id, agent_id, supervisor_user_id, supervisor, seat, mode, started_at FROM supervision_sessions
        WHERE supervision_id = $1 AND ended_at IS NULL AND call_id IS NOT NULL ORDER BY started_at DESC LIMIT 1`,
      [supervisionId],
    )) as Array<{ id: string; supervision_id: string; call_id: string; agent_id: string | null; supervisor_user_id: string; supervisor: string; seat: string | null; mode: 'listen' | 'whisper' | 'barge' | 'take_over'; started_at: Date }>;
    const row = rows[0];
    if (!row) return null;
    return { id: row.id, supervisionId: row.supervision_id, callId: row.call_id, agentId: row.agent_id, supervisorUserId: row.supervisor_user_id, supervisor: row.supervisor, seat: row.seat, mode: row.mode, at: new Date(row.started_at) };
  }

  /** Closes the open rows of supervisor legs this process no longer holds (found after a reconnect). */
  async endOrphans(supervisionIds: string[], at: Date, reason: string): Promise<number> {
    if (supervisionIds.length === 0) return 0;
    const result = (await this.dataSource.query(`UPDATE supervision_sessions SET ended_at = $2, end_reason = $3 WHERE supervision_id = ANY($1::uuid[]) AND ended_at IS NULL`, [supervisionIds, at, reason])) as [unknown, number];
    return result[1];
  }
}
