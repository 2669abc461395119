import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { Actor, isUnitScoped } from '@hotline/org';
import { callerVisibility, sensitiveFieldsRead } from './caller-privacy';
import { DuplicateCheck, DuplicateDetector } from './duplicate-detector';
import { Sql, TransactionRunner } from './pg-transaction';
import { toSearchQuery } from './search-tokens';
import { decodeCursor, encodeCursor, WorkOrderListQuery } from './work-order-list.query';
import { WORK_ORDER_NUMBER } from './work-order-number';
import { WorkOrder, WorkOrderEvent } from './work-order.entity';
import { InvalidWorkOrderInputError, WorkOrderErrorCode, WorkOrderNotFoundError } from './work-order.errors';
import { Category, fromRow, WORK_ORDER_SELECT, WorkOrderRepository } from './work-order.repository';
import { ACTIVE_STATUSES } from './work-order.types';
import { DUE_SOON_HOURS, redactEvent, toWorkOrderView, WorkOrderView } from './work-order.view';

export interface WorkOrderPage {
  items: WorkOrderView[];
  nextCursor: string | null;
}

export const MAX_PAGE_SIZE = 100;
/** An export is a report, not a backup: bounded so one request cannot stream the whole table. */
export const MAX_EXPORT_ROWS = 100_000;

const CSV_COLUMNS = [
  'number',
  'status',
  'type',
  'channel',
  'lineTag',
  'callerPhone',
  'regionCode',
  'subject',
  'receivedAt',
  'leadUnitId',
  'handleDueAt',
  'deadlineState',
  'currentRating',
] as const;

/** Reads of work orders, with unit scoping, caller masking and an audit of every sensitive read. */
@Injectable()
export class WorkOrderQueryService {
  private readonly logger = new Logger(WorkOrderQueryService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: WorkOrderRepository,
    private readonly duplicates: DuplicateDetector,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** For the agent before intake: the caller's open and answered orders on a similar matter. */
  async duplicateCheck(input: { callerPhone: string; subject: string; content: string }) {
    const check = await this.duplicates.check(this.transactions.sql(), { ...input, now: this.clock.now() });
    const present = (candidates: DuplicateCheck['openWithinDeadline']) =>
      candidates.map((c) => ({ id: c.id, number: c.number, status: c.status, handleDueAt: c.handleDueAt?.toISOString() ?? null, similarity: c.similarity }));
    return { openWithinDeadline: present(check.openWithinDeadline), openOverdue: present(check.openOverdue), answered: present(check.answered) };
  }

  /** One order by id or by its 13-digit number; reading a full number or a confidential name is audited. */
  async get(actor: Actor, reference: string, purpose: string): Promise<WorkOrderView> {
    return this.transactions.run(async (tx) => {
      const order = await this.visibleOrder(tx, actor, reference);
      const visibility = callerVisibility(actor, order, 'detail');
      const fields = sensitiveFieldsRead(order, visibility);
      if (fields.length > 0 && actor.userId) {
        await this.repository.auditSensitiveRead(tx, { userId: actor.userId, orderId: order.id, fields, purpose, at: this.clock.now() });
      }
      return toWorkOrderView(order, visibility, this.clock.now(), await this.repository.assignments(tx, order.id));
    });
  }

  async events(actor: Actor, reference: string): Promise<WorkOrderEvent[]> {
    return this.transactions.run(async (tx) => {
      const order = await this.visibleOrder(tx, actor, reference);
      // Events are history, not a contact sheet: the caller's number in them is masked for everyone.
      const visibility = callerVisibility(actor, order, 'list');
      return (await this.repository.events(tx, order.id)).map((event) => redactEvent(event, visibility, actor));
    });
  }

  async supervisions(actor: Actor, reference: string) {
    return this.transactions.run(async (tx) => this.repository.supervisions(tx, (await this.visibleOrder(tx, actor, reference)).id));
  }

  async ratings(actor: Actor, reference: string) {
    return this.transactions.run(async (tx) => this.repository.ratings(tx, (await this.visibleOrder(tx, actor, reference)).id));
  }

  async categories(): Promise<Category[]> {
    return this.repository.categories(this.transactions.sql());
  }

  async list(actor: Actor, query: WorkOrderListQuery): Promise<WorkOrderPage> {
    const limit = Math.min(query.limit ?? 50, MAX_PAGE_SIZE);
    const { where, values } = this.filters(actor, query);
    const { rows } = await this.transactions.sql().query(
      `SELECT ${WORK_ORDER_SELECT} FROM work_orders w WHERE ${where} ORDER BY w.received_at DESC, w.id DESC LIMIT ${limit + 1}`,
      values,
    );
    const orders = rows.map(fromRow);
    const page = orders.slice(0, limit);
    const now = this.clock.now();
    const last = page[page.length - 1];
    return {
      items: page.map((order) => toWorkOrderView(order, callerVisibility(actor, order, 'list'), now)),
      nextCursor: orders.length > limit && last ? encodeCursor({ receivedAt: last.receivedAt.toISOString(), id: last.id }) : null,
    };
  }

  /** CSV lines (header first), fetched in keyset batches so memory stays flat. Numbers are always masked. */
  async *exportCsv(actor: Actor, query: Omit<WorkOrderListQuery, 'limit' | 'cursor'>): AsyncGenerator<string> {
    yield `${CSV_COLUMNS.join(',')}\n`;
    let cursor: string | undefined;
    let exported = 0;
    do {
      const page = await this.list(actor, { ...query, cursor, limit: MAX_PAGE_SIZE });
      for (const item of page.items) {
        const record: Record<(typeof CSV_COLUMNS)[number], unknown> = {
          number: item.number,
          status: item.statusLabel,
          type: item.type,
          channel: item.channel,
          lineTag: item.lineTag,
          callerPhone: item.caller.phone,
          regionCode: item.regionCode,
          subject: item.subject,
          receivedAt: item.receivedAt,
          leadUnitId: item.leadUnitId,
          handleDueAt: item.deadlines.handleDueAt,
          deadlineState: item.deadlines.state,
          currentRating: item.rating.current,
        };
        yield `${CSV_COLUMNS.map((column) => csvCell(record[column])).join(',')}\n`;
      }
      exported += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor && exported < MAX_EXPORT_ROWS);
    this.logger.log(`${actor.username} exported ${exported} work orders`);
  }

  private async visibleOrder(tx: Sql, actor: Actor, reference: string): Promise<WorkOrder> {
    const order = WORK_ORDER_NUMBER.test(reference)
      ? await this.repository.findByNumber(tx, reference)
      : /^[0-9a-f-]{36}$/i.test(reference)
        ? await this.repository.findById(tx, reference)
        : null;
    if (!order) throw new WorkOrderNotFoundError(reference);
    if (isUnitScoped(actor.roles)) {
      const assignments = await this.repository.assignments(tx, order.id);
      // Another unit's order is not "forbidden", it does not exist for this unit.
      if (!assignments.some((assignment) => assignment.unitId === actor.unitId)) throw new WorkOrderNotFoundError(reference);
    }
    return order;
  }

  private filters(actor: Actor, query: WorkOrderListQuery): { where: string; values: unknown[] } {
    const clauses: string[] = ['true'];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (isUnitScoped(actor.roles)) {
      const unit = param(actor.unitId);
      clauses.push(
        `(w.lead_unit_id = ${unit} OR EXISTS (SELECT 1 FROM work_order_assignments a WHERE a.order_id = w.id AND a.unit_id = ${unit} AND a.active))`,
      );
    }
    if (query.status?.length) clauses.push(`w.status = ANY(${param(query.status)}::text[])`);
    if (query.unitId) clauses.push(`w.lead_unit_id = ${param(query.unitId)}`);
    if (query.type) clauses.push(`w.type = ${param(query.type)}`);
    if (query.categoryId) {
      clauses.push(`w.category_id IN (
        WITH RECURSIVE sub AS (SELECT id FROM categories WHERE id = ${param(query.categoryId)}
          UNION ALL SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id)
        SELECT id FROM sub)`);
    }
    if (query.regionCode) {
      // A prefix as a range, so the btree index serves it under any collation.
      const padding = 6 - query.regionCode.length;
      clauses.push(`w.region_code BETWEEN ${param(query.regionCode + '0'.repeat(padding))} AND ${param(query.regionCode + '9'.repeat(padding))}`);
    }
    if (query.deadlineState) {
      const now = param(this.clock.now());
      const active = `w.status = ANY(${param([...ACTIVE_STATUSES])}::text[]) AND w.handle_due_at IS NOT NULL`;
      if (query.deadlineState === 'overdue') clauses.push(`${active} AND w.handle_due_at <= ${now}`);
      else if (query.deadlineState === 'due_soon') {
        clauses.push(`${active} AND w.handle_due_at > ${now} AND w.handle_due_at <= ${now}::timestamptz + interval '${DUE_SOON_HOURS} hours'`);
      } else clauses.push(`${active} AND w.handle_due_at > ${now}::timestamptz + interval '${DUE_SOON_HOURS} hours'`);
    }
    if (query.receivedFrom) clauses.push(`w.received_at >= ${param(query.receivedFrom)}`);
    if (query.receivedTo) clauses.push(`w.received_at < ${param(query.receivedTo)}`);
    if (query.q !== undefined) {
      const tsquery = toSearchQuery(query.q);
      if (!tsquery) throw new InvalidWorkOrderInputError(WorkOrderErrorCode.InvalidInput, 'The search text has no letters or digits', { field: 'q' });
      clauses.push(`w.search_tokens @@ ${param(tsquery)}::tsquery`);
    }
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) throw new InvalidWorkOrderInputError(WorkOrderErrorCode.InvalidInput, 'The cursor is not one this api issued', { field: 'cursor' });
      clauses.push(`(w.received_at, w.id) < (${param(cursor.receivedAt)}::timestamptz, ${param(cursor.id)}::uuid)`);
    }
    return { where: clauses.join(' AND '), values };
  }
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A cell a spreadsheet would run as a formula is defused (CSV injection).
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
