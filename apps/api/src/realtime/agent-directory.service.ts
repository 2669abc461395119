import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AgentStateView, OwnAgentView } from '@hotline/realtime';

/** Postgres "undefined_table": the ACD's tables are not migrated in this deployment (yet). */
const UNDEFINED_TABLE = '42P01';

function isMissingTable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNDEFINED_TABLE;
}

/**
 * Which ACD agent a user is, and agents' last states, from the ACD's record in Postgres (acd_agents,
 * acd_agent_state_log, written by call-control). Without those tables the answer is "no ACD": the desk
 * and the wallboard then say so instead of failing.
 */
@Injectable()
export class AgentDirectory {
  private readonly logger = new Logger(AgentDirectory.name);

  constructor(private readonly dataSource: DataSource) {}

  async ownAgent(userId: string): Promise<OwnAgentView | null> {
    const rows = await this.whenInstalled<{ id: string; state: string | null; reason: string | null; seat: string | null; call_id: string | null; at: Date | null; wrap_until: Date | null }>(
      `SELECT a.id, s.state, s.reason, s.seat, s.call_id, s.at, s.wrap_until
         FROM acd_agents a
         LEFT JOIN LATERAL (SELECT state, reason, seat, call_id, at, wrap_until FROM acd_agent_state_log l WHERE l.agent_id = a.id ORDER BY at DESC LIMIT 1) s ON true
        WHERE a.user_id = $1 AND a.active`,
      [userId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      agentId: row.id,
      state: row.state ?? 'logged_out',
      reason: row.reason,
      seat: row.seat,
      callId: row.call_id,
      since: row.at ? new Date(row.at).toISOString() : null,
      wrapUpEndsAt: wrapUpEndsAt(row.state, row.wrap_until),
    };
  }

  /** Every active agent's latest state: the wallboard's grid after a (re)connect. */
  async agentStates(): Promise<AgentStateView[]> {
    const rows = await this.whenInstalled<{ agent_id: string; state: string; reason: string | null; seat: string | null; call_id: string | null; at: Date; wrap_until: Date | null }>(
      `SELECT DISTINCT ON (l.agent_id) l.agent_id, l.state, l.reason, l.seat, l.call_id, l.at, l.wrap_until
         FROM acd_agent_state_log l JOIN acd_agents a ON a.id = l.agent_id AND a.active
        ORDER BY l.agent_id, l.at DESC`,
      [],
    );
    return rows.map((row) => ({
      agentId: row.agent_id,
      state: row.state,
      reason: row.reason,
      seat: row.seat,
      callId: row.call_id,
      since: new Date(row.at).toISOString(),
      wrapUpEndsAt: wrapUpEndsAt(row.state, row.wrap_until),
    }));
  }

  private async whenInstalled<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    try {
      return (await this.dataSource.query(sql, parameters)) as T[];
    } catch (error) {
      if (!isMissingTable(error)) throw error;
      this.logger.debug('ACD tables are not migrated: no agents');
      return [];
    }
  }
}

/** When the logged wrap-up ends; only meaningful while the agent's last state is wrap_up. */
function wrapUpEndsAt(state: string | null, wrapUntil: Date | null): string | null {
  return state === 'wrap_up' && wrapUntil ? new Date(wrapUntil).toISOString() : null;
}
