import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import {
  LinkedOrderRef,
  openOrderQuery,
  openOrderValues,
  PREVIOUS_ORDERS_SHOWN,
  PreviousOrderRef,
  PreviousOrderRow,
  previousOrdersQuery,
  toPreviousOrder,
  TransactionRunner,
  WorkOrderCallLinkService,
} from '@hotline/work-orders';

export interface NewCallOrderDraft {
  callId: string;
  kind: 'call' | 'voice_message';
  callerNumber: string | null;
  lineTag: string | null;
  agentId: string | null;
  openOrderId: string | null;
  recordingId: string | null;
}

export interface UnfiledMessage {
  recordingId: string;
  callId: string;
  channelId: string;
  callerNumber: string | null;
  dialedNumber: string;
}

export interface AnsweredCall {
  callId: string;
  callerNumber: string | null;
  lineTag: string | null;
  agentId: string;
  at: Date;
}

/** What the agent's screen pop shows about the call's order. */
export interface AnswerLink {
  draftId: string;
  link: 'attached' | 'draft';
  attachedOrder: LinkedOrderRef | null;
  previousOrders: PreviousOrderRef[];
}

/**
 * The call side of call ↔ work order (call_order_drafts). Why a draft row and not a draft work order: an order
 * is a legal record from its intake on (its number comes from the day's sequence, its deadlines and pg-boss
 * timers start, it appears in lists, exports and statistics) and it needs what only the agent knows
 * (category, type, subject, content). A half-filled "draft order" would burn numbers and count in every
 * report. So the draft is call-side; the intake that files it (POST /api/work-orders with draftId) links the
 * call to the new order (work_order_calls) and marks the draft submitted.
 */
@Injectable()
export class CallOrderDraftRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly links: WorkOrderCallLinkService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Messages callers left whose draft was not filed (call-control stopped before it could: the recording row is
   * written with the call's timeline, the draft after it), with what the draft needs from the call.
   */
  async unfiledMessages(): Promise<UnfiledMessage[]> {
    const rows: Array<{ recording_id: string; call_id: string; channel_id: string; caller_number: string | null; dialed_number: string }> = await this.dataSource.query(
      `SELECT r.id AS recording_id, r.call_id, r.channel_id, c.caller_number, c.dialed_number
         FROM recordings r JOIN calls c ON c.id = r.call_id
        WHERE r.kind = 'message' AND NOT EXISTS (SELECT 1 FROM call_order_drafts d WHERE d.call_id = r.call_id AND d.kind = 'voice_message')
        ORDER BY r.started_at`,
    );
    return rows.map((row) => ({ recordingId: row.recording_id, callId: row.call_id, channelId: row.channel_id, callerNumber: row.caller_number, dialedNumber: row.dialed_number }));
  }

  /** Idempotent per call and kind (a re-adopted call does not open a second draft). */
  async open(draft: NewCallOrderDraft): Promise<string> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO call_order_drafts (call_id, kind, caller_number, line_tag, agent_id, open_order_id, recording_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (call_id, kind) DO UPDATE SET updated_at = call_order_drafts.updated_at
       RETURNING id`,
      [draft.callId, draft.kind, draft.callerNumber, draft.lineTag, draft.agentId, draft.openOrderId, draft.recordingId],
    );
    return rows[0]!.id;
  }

  /**
   * When an agent answers: the call is attached to the caller's open order (CALL_ATTACH_OPEN_ORDER_DAYS rule,
   * libs/work-orders) or gets a draft for a new one; either way one draft row records it (status 'attached'
   * or 'open'), so the agent can still file a new order from the call. Idempotent per call.
   */
  async linkOnAnswer(call: AnsweredCall): Promise<AnswerLink> {
    const { draft, previousOrders } = await this.draftUnlessOpenOrder(call);
    return draft ?? this.attachInTransaction(call, previousOrders);
  }

  /**
   * One round trip: the caller's previous orders for the screen pop and, in the common case where the caller
   * has no open order, the call's draft. `draft` is null (nothing written) when there is an order to attach to.
   */
  private async draftUnlessOpenOrder(call: AnsweredCall): Promise<{ draft: AnswerLink | null; previousOrders: PreviousOrderRef[] }> {
    const rows: Array<{ open_order_id: string | null; draft_id: string | null; previous: PreviousOrderRow[] }> = await this.dataSource.query(
      `WITH open_order AS (${openOrderQuery('$1', '$2', '$3')}),
       draft AS (
         INSERT INTO call_order_drafts (call_id, kind, caller_number, line_tag, agent_id, status)
         SELECT $4, 'call', $1, $5, $6, 'open' WHERE NOT EXISTS (SELECT 1 FROM open_order)
         ON CONFLICT (call_id, kind) DO UPDATE SET updated_at = call_order_drafts.updated_at
         RETURNING id
       ),
       previous AS (${previousOrdersQuery('$1', '$7')})
       SELECT (SELECT id FROM open_order) AS open_order_id, (SELECT id FROM draft) AS draft_id,
              coalesce((SELECT json_agg(previous) FROM previous), '[]'::json) AS previous`,
      [call.callerNumber, ...openOrderValues(this.config.CALL_ATTACH_OPEN_ORDER_DAYS, call.at), call.callId, call.lineTag, call.agentId, PREVIOUS_ORDERS_SHOWN],
    );
    const row = rows[0]!;
    const previousOrders = row.previous.map(toPreviousOrder);
    if (row.open_order_id !== null) return { draft: null, previousOrders };
    return { draft: { draftId: row.draft_id!, link: 'draft', attachedOrder: null, previousOrders }, previousOrders };
  }

  /**
   * With an open order: link row, the order's timeline entry and the draft (status 'attached') in one
   * transaction. `previousOrders` were read with the check for the open order; attaching adds none.
   */
  private attachInTransaction(call: AnsweredCall, previousOrders: PreviousOrderRef[]): Promise<AnswerLink> {
    return this.transactions.run(async (tx) => {
      const attachedOrder = call.callerNumber
        ? await this.links.attachToOpenOrder(tx, { callId: call.callId, callerNumber: call.callerNumber, withinDays: this.config.CALL_ATTACH_OPEN_ORDER_DAYS, agentId: call.agentId, at: call.at })
        : null;
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO call_order_drafts (call_id, kind, caller_number, line_tag, agent_id, open_order_id, status, work_order_id)
         VALUES ($1, 'call', $2, $3, $4, $5, $6, $5)
         ON CONFLICT (call_id, kind) DO UPDATE SET updated_at = call_order_drafts.updated_at
         RETURNING id`,
        [call.callId, call.callerNumber, call.lineTag, call.agentId, attachedOrder?.id ?? null, attachedOrder ? 'attached' : 'open'],
      );
      return { draftId: rows[0]!.id, link: attachedOrder ? 'attached' : 'draft', attachedOrder, previousOrders };
    });
  }
}
