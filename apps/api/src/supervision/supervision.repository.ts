import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SupervisorProfile {
  userId: string;
  seat: string | null;
  skills: string[];
}

export interface SupervisionRow {
  id: string;
  supervisionId: string | null;
  callId: string | null;
  agentId: string | null;
  supervisorUserId: string;
  supervisor: string;
  seat: string | null;
  mode: string;
  detail: string | null;
  startedAt: Date;
  endedAt: Date | null;
  endReason: string | null;
}

const ROW = `id, supervision_id AS "supervisionId", call_id AS "callId", agent_id AS "agentId", supervisor_user_id AS "supervisorUserId",
  supervisor, seat, mode, detail, started_at AS "startedAt", ended_at AS "endedAt", end_reason AS "endReason"`;

/** Supervisors' seats and scopes (the skills/queues they supervise) and the audit of their actions. */
@Injectable()
export class SupervisionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async supervisor(userId: string): Promise<SupervisorProfile | null> {
    const rows: Array<{ seat: string | null; skills: string[] | null }> = await this.dataSource.query(
      `SELECT s.seat_id AS seat, array_remove(array_agg(k.skill ORDER BY k.skill), NULL) AS skills
       FROM supervisors s LEFT JOIN supervisor_skills k ON k.user_id = s.user_id WHERE s.user_id = $1 GROUP BY s.seat_id`,
      [userId],
    );
    const row = rows[0];
    return row ? { userId, seat: row.seat, skills: row.skills ?? [] } : null;
  }

  /** Sets a supervisor's seat and skills (whole replacement). False when the seat or a skill does not exist. */
  async saveSupervisor(userId: string, seat: string | null, skills: string[]): Promise<boolean> {
    const [{ seats, known }] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM acd_seats WHERE id = $1) AS seats, (SELECT count(*)::int FROM acd_skills WHERE code = ANY($2::text[])) AS known`,
      [seat, skills],
    );
    if ((seat !== null && seats !== 1) || known !== new Set(skills).size) return false;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO supervisors (user_id, seat_id) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET seat_id = $2, updated_at = now()`, [userId, seat]);
      await manager.query(`DELETE FROM supervisor_skills WHERE user_id = $1`, [userId]);
      await manager.query(`INSERT INTO supervisor_skills (user_id, skill) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [userId, skills]);
    });
    return true;
  }

  async userExists(userId: string): Promise<boolean> {
    return ((await this.dataSource.query(`SELECT 1 FROM users WHERE id = $1`, [userId])) as unknown[]).length > 0;
  }

  /** The call's status and the queue (skill) it was served from: the final skill after overflow, else the line's. */
  async call(callId: string): Promise<{ status: string; skill: string | null } | null> {
    const rows: Array<{ status: string; skill: string | null }> = await this.dataSource.query(
      `SELECT c.status, COALESCE(q.final_skill, q.skill, c.skill) AS skill FROM calls c LEFT JOIN acd_queue_calls q ON q.call_id = c.id WHERE c.id = $1`,
      [callId],
    );
    return rows[0] ?? null;
  }

  async agentSkills(agentId: string): Promise<string[] | null> {
    const rows: Array<{ skill: string | null }> = await this.dataSource.query(
      `SELECT k.skill FROM acd_agents a LEFT JOIN acd_agent_skills k ON k.agent_id = a.id WHERE a.id = $1`,
      [agentId],
    );
    return rows.length === 0 ? null : rows.map((row) => row.skill).filter((skill): skill is string => skill !== null);
  }

  /** Who is monitoring which call right now (open listen/whisper/barge/take-over segments). */
  async active(): Promise<SupervisionRow[]> {
    return this.dataSource.query(`SELECT ${ROW} FROM supervision_sessions WHERE ended_at IS NULL AND supervision_id IS NOT NULL ORDER BY started_at`);
  }

  async ofCall(callId: string): Promise<SupervisionRow[]> {
    return this.dataSource.query(`SELECT ${ROW} FROM supervision_sessions WHERE call_id = $1 ORDER BY started_at, id`, [callId]);
  }
}
