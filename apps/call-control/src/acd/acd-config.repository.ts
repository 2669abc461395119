import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueueSettings } from '@hotline/acd';

export type { QueueSettings };

export interface AgentRecord {
  id: string;
  name: string;
  active: boolean;
  skills: Record<string, number>;
}

export interface SeatRecord {
  id: string;
  name: string;
  contactUri: string | null;
  md5Credential: string | null;
  active: boolean;
}

/** The ACD's configuration in Postgres: skills (queues), agents with skill levels, seats. */
@Injectable()
export class AcdConfigRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async queues(): Promise<QueueSettings[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT code, name, ring_timeout_seconds, wrap_up_seconds, announce_every_seconds, max_wait_seconds, overflow_skill, callback_offer, service_level_seconds, min_level FROM acd_skills ORDER BY code`,
    );
    return rows.map((row) => ({
      skill: row.code as string,
      name: row.name as string,
      ringTimeoutSeconds: row.ring_timeout_seconds as number,
      wrapUpSeconds: row.wrap_up_seconds as number,
      announceEverySeconds: row.announce_every_seconds as number,
      maxWaitSeconds: row.max_wait_seconds as number,
      overflowSkill: (row.overflow_skill as string | null) ?? null,
      callbackOffer: row.callback_offer as boolean,
      serviceLevelSeconds: row.service_level_seconds as number,
      minLevel: row.min_level as number,
    }));
  }

  async agent(agentId: string): Promise<AgentRecord | null> {
    const rows: Array<{ id: string; name: string; active: boolean; skill: string | null; level: number | null }> = await this.dataSource.query(
      `SELECT a.id, a.name, a.active, s.skill, s.level FROM acd_agents a LEFT JOIN acd_agent_skills s ON s.agent_id = a.id WHERE a.id = $1`,
      [agentId],
    );
    if (rows.length === 0) return null;
    const skills: Record<string, number> = {};
    for (const row of rows) if (row.skill) skills[row.skill] = row.level ?? 1;
    return { id: rows[0]!.id, name: rows[0]!.name, active: rows[0]!.active, skills };
  }

  /** One seat by its id: a login reads one row, not the whole table (a shift start logs in every agent). */
  async seat(seatId: string): Promise<SeatRecord | null> {
    const rows: SeatRow[] = await this.dataSource.query(`SELECT ${SEAT_COLUMNS} FROM acd_seats WHERE id = $1`, [seatId]);
    return rows[0] ? seatOf(rows[0]) : null;
  }

  async seats(): Promise<SeatRecord[]> {
    const rows: SeatRow[] = await this.dataSource.query(`SELECT ${SEAT_COLUMNS} FROM acd_seats ORDER BY id`);
    return rows.map(seatOf);
  }
}

const SEAT_COLUMNS = 'id, name, contact_uri, md5_credential, active';

interface SeatRow {
  id: string;
  name: string;
  contact_uri: string | null;
  md5_credential: string | null;
  active: boolean;
}

function seatOf(row: SeatRow): SeatRecord {
  return { id: row.id, name: row.name, contactUri: row.contact_uri, md5Credential: row.md5_credential, active: row.active };
}
