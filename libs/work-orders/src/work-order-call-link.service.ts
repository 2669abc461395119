import { Injectable } from '@nestjs/common';
import { Role } from '@hotline/org';
import { Sql } from './pg-transaction';
import { WorkOrderRepository } from './work-order.repository';
import { OPEN_STATUSES } from './work-order.types';

export interface LinkedOrderRef {
  id: string;
  number: string;
  status: string;
  subject: string;
}

export interface PreviousOrderRef extends LinkedOrderRef {
  createdAt: string;
  confidential: boolean;
}

export interface AttachRequest {
  callId: string;
  callerNumber: string;
  /** Only orders received within this many days are attached to (0: never). */
  withinDays: number;
  /** The ACD agent who answered; their login (if any) is the actor of the order's event. */
  agentId: string | null;
  at: Date;
}

/** How many of the caller's orders the screen pop shows. */
export const PREVIOUS_ORDERS_SHOWN = 5;

/**
 * The open-order rule as SQL, for callers that fold it into a statement of their own: the most recently
 * received open order from the number ($phone) received since $since (null: none). `openOrderValues` gives
 * $statuses and $since.
 */
export function openOrderQuery(phone: string, statuses: string, since: string): string {
  return `SELECT id, number, status, subject FROM work_orders
           WHERE caller_phone = ${phone} AND status = ANY(${statuses}::text[]) AND received_at >= ${since}
           ORDER BY received_at DESC, id DESC LIMIT 1`;
}

export function openOrderValues(withinDays: number, at: Date): [string[], Date | null] {
  return [[...OPEN_STATUSES], withinDays > 0 ? new Date(at.getTime() - withinDays * 86_400_000) : null];
}

/** The caller's latest orders, newest first (all statuses), as rows for `toPreviousOrder`. */
export function previousOrdersQuery(phone: string, limit: string): string {
  return `SELECT id, number, status, subject, received_at, confidential FROM work_orders WHERE caller_phone = ${phone} ORDER BY received_at DESC, id DESC LIMIT ${limit}`;
}

export interface PreviousOrderRow {
  id: string;
  number: string;
  status: string;
  subject: string;
  /** A Date from pg, an ISO-like string from json_agg. */
  received_at: Date | string;
  confidential: boolean;
}

export function toPreviousOrder(row: PreviousOrderRow): PreviousOrderRef {
  return { id: row.id, number: row.number, status: row.status, subject: row.subject, createdAt: new Date(row.received_at).toISOString(), confidential: row.confidential };
}

/**
 * Links calls to work orders from the call side (call-control, when an agent answers): the rule for the
 * caller's open order, the link row and the order's timeline entry, in the caller's transaction.
 */
@Injectable()
export class WorkOrderCallLinkService {
  constructor(private readonly repository: WorkOrderRepository) {}

  /**
   * Attaches the call to the caller's open order: the most recently received order from this number that
   * is open (not closed, archived, refused or transferred) and was received within `withinDays`. Writes the
   * work_order_calls row and, once per call, a 'call_linked' event on the order (no version change: a call
   * is not an edit, and must not make the order's open forms stale). Null when the caller has no such order.
   */
  async attachToOpenOrder(tx: Sql, request: AttachRequest): Promise<LinkedOrderRef | null> {
    if (request.withinDays <= 0) return null;
    const { rows } = await tx.query<LinkedOrderRef>(`${openOrderQuery('$1', '$2', '$3')} FOR UPDATE`, [request.callerNumber, ...openOrderValues(request.withinDays, request.at)]);
    const order = rows[0];
    if (!order) return null;
    if (await this.repository.linkCall(tx, order.id, request.callId, null)) {
      const actor = request.agentId
        ? (await tx.query<{ user_id: string | null }>(`SELECT user_id FROM acd_agents WHERE id = $1`, [request.agentId])).rows[0]?.user_id ?? null
        : null;
      await this.repository.appendEvent(tx, {
        orderId: order.id,
        type: 'call_linked',
        actorId: actor,
        actorRoles: actor ? [Role.Agent] : [],
        occurredAt: request.at,
        before: null,
        after: null,
        payload: { callId: request.callId, agentId: request.agentId, automatic: true },
      });
    }
    return order;
  }
}
