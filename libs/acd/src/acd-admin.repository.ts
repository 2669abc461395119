import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface AgentView {
  id: string;
  name: string;
  userId: string | null;
  active: boolean;
  skills: Record<string, number>;
}

export interface SeatView {
  id: string;
  name: string;
  contactUri: string | null;
  registers: boolean;
  active: boolean;
}

export interface AbandonedCallView {
  callId: string;
  callerNumber: string | null;
  skill: string;
  enqueuedAt: string;
  waitMs: number | null;
  callbackStatus: string | null;
  callbackId: string | null;
}

/** The ACD's configuration and reports as the api edits and reads them (call-control reads the same tables). */
@Injectable()
export class AcdAdminRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async agents(): Promise<AgentView[]> {
    const rows: Array<{ id: string; name: string; user_id: string | null; active: boolean; skills: Record<string, number> | null }> = await this.dataSource.query(
      `SELECT a.id, a.name, a.user_id, a.active, jsonb_object_agg(s.skill, s.level) FILTER (WHERE s.skill IS NOT NULL) AS skills
       FROM acd_agents a LEFT JOIN acd_agent_skills s ON s.agent_id = a.id GROUP BY a.id ORDER BY a.id`,
    );
    return rows.map((row) => ({ id: row.id, name: row.name, userId: row.user_id, active: row.active, skills: row.skills ?? {} }));
  }

  async agentOfUser(userId: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM acd_agents WHERE user_id = $1 AND active`, [userId]);
    return rows[0]?.id ?? null;
  }

  async saveAgent(id: string, agent: { name: string; userId: string | null; active: boolean; skills: Record<string, number> }): Promise<AgentView> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO acd_agents (id, name, user_id, active) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET name = $2, user_id = $3, active = $4`,
        [id, agent.name, agent.userId, agent.active],
      );
      await manager.query(`DELETE FROM acd_agent_skills WHERE agent_id = $1`, [id]);
      for (const [skill, level] of Object.entries(agent.skills)) {
        await manager.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ($1, $2, $3)`, [id, skill, level]);
      }
    });
    return (await this.agents()).find((candidate) => candidate.id === id)!;
  }

  async seats(): Promise<SeatView[]> {
    const rows: Array<{ id: string; name: string; contact_uri: string | null; md5_credential: string | null; active: boolean }> = await this.dataSource.query(
      `SELECT id, name, contact_uri, md5_credential, active FROM acd_seats ORDER BY id`,
    );
    return rows.map((row) => ({ id: row.id, name: row.name, contactUri: row.contact_uri, registers: row.contact_uri === null, active: row.active }));
  }

  /** A fixed phone (contactUri) or one that registers with a password (stored only as PJSIP's md5 credential). */
  async saveSeat(id: string, seat: { name: string; contactUri: string | null; password: string | null; active: boolean }): Promise<SeatView> {
    const md5 = seat.password ? createHash('md5').update(`${id}:asterisk:${seat.password}`).digest('hex') : null;
    await this.dataSource.query(
      `INSERT INTO acd_seats (id, name, contact_uri, md5_credential, active) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET name = $2, contact_uri = $3, md5_credential = coalesce($4, acd_seats.md5_credential), active = $5, updated_at = now()`,
      [id, seat.name, seat.contactUri, md5, seat.active],
    );
    return (await this.seats()).find((candidate) => candidate.id === id)!;
  }

  async agentExists(agentId: string): Promise<boolean> {
    return ((await this.dataSource.query(`SELECT 1 FROM acd_agents WHERE id = $1`, [agentId])) as unknown[]).length > 0;
  }

  async skillExists(skill: string): Promise<boolean> {
    return ((await this.dataSource.query(`SELECT 1 FROM acd_skills WHERE code = $1`, [skill])) as unknown[]).length > 0;
  }

  async queues(): Promise<Array<Record<string, unknown>>> {
    return this.dataSource.query(
      `SELECT code AS skill, name, ring_timeout_seconds AS "ringTimeoutSeconds", wrap_up_seconds AS "wrapUpSeconds",
              announce_every_seconds AS "announceEverySeconds", max_wait_seconds AS "maxWaitSeconds", overflow_skill AS "overflowSkill",
              callback_offer AS "callbackOffer", service_level_seconds AS "serviceLevelSeconds", min_level AS "minLevel"
       FROM acd_skills ORDER BY code`,
    );
  }

  /** The abandoned-call list of a China-time day, with what became of each automatic callback. */
  async abandoned(dayStart: Date, dayEnd: Date): Promise<AbandonedCallView[]> {
    const rows: Array<{ call_id: string; caller_number: string | null; skill: string; enqueued_at: Date; wait_ms: number | null; status: string | null; callback_id: string | null }> =
      await this.dataSource.query(
        `SELECT q.call_id, c.caller_number, coalesce(q.final_skill, q.skill) AS skill, q.enqueued_at, q.wait_ms, cb.status, cb.id AS callback_id
         FROM acd_queue_calls q JOIN calls c ON c.id = q.call_id
         LEFT JOIN acd_callbacks cb ON cb.origin_call_id = q.call_id AND cb.reason = 'abandoned'
         WHERE q.outcome = 'abandoned' AND q.enqueued_at >= $1 AND q.enqueued_at < $2 ORDER BY q.enqueued_at DESC`,
        [dayStart, dayEnd],
      );
    return rows.map((row) => ({
      callId: row.call_id,
      callerNumber: row.caller_number,
      skill: row.skill,
      enqueuedAt: row.enqueued_at.toISOString(),
      waitMs: row.wait_ms,
      callbackStatus: row.status,
      callbackId: row.callback_id,
    }));
  }
}
