import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CallLinkedOrderDto } from '@hotline/contracts';

/** What the calls read side shows beyond the call row: linked orders, the answering agent, agent logins. */
@Injectable()
export class CallLinksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The orders each call is linked to (work_order_calls), oldest link first. */
  async linkedOrders(callIds: readonly string[]): Promise<Map<string, CallLinkedOrderDto[]>> {
    const links = new Map<string, CallLinkedOrderDto[]>();
    if (callIds.length === 0) return links;
    const rows: Array<{ call_id: string; id: string; number: string; status: string; subject: string; linked_at: Date }> = await this.dataSource.query(
      `SELECT l.call_id, w.id, w.number, w.status, w.subject, l.linked_at
         FROM work_order_calls l JOIN work_orders w ON w.id = l.order_id
        WHERE l.call_id = ANY($1::uuid[])
        ORDER BY l.linked_at, w.id`,
      [[...callIds]],
    );
    for (const row of rows) {
      const order: CallLinkedOrderDto = { id: row.id, number: row.number, status: row.status, subject: row.subject, linkedAt: new Date(row.linked_at).toISOString() };
      const list = links.get(row.call_id);
      if (list) list.push(order);
      else links.set(row.call_id, [order]);
    }
    return links;
  }

  /** The ACD agent who answered each call. */
  async answeringAgents(callIds: readonly string[]): Promise<Map<string, string>> {
    if (callIds.length === 0) return new Map();
    const rows: Array<{ call_id: string; agent_id: string }> = await this.dataSource.query(
      `SELECT call_id, agent_id FROM acd_queue_calls WHERE call_id = ANY($1::uuid[]) AND agent_id IS NOT NULL`,
      [[...callIds]],
    );
    return new Map(rows.map((row) => [row.call_id, row.agent_id]));
  }

  /** Ids of the calls an agent answered, newest first. */
  async callsAnsweredBy(agentId: string, limit: number): Promise<string[]> {
    const rows: Array<{ call_id: string }> = await this.dataSource.query(
      `SELECT call_id FROM acd_queue_calls WHERE agent_id = $1 ORDER BY answered_at DESC NULLS LAST, call_id LIMIT $2`,
      [agentId, limit],
    );
    return rows.map((row) => row.call_id);
  }

  /** The ACD agent a login is (acd_agents.user_id), if any. */
  async agentOfUser(userId: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM acd_agents WHERE user_id = $1`, [userId]);
    return rows[0]?.id ?? null;
  }
}
