import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
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
/** How many of the newest candidate orders a text search filters before asking the GIN index. */
export const SEARCH_WINDOW = Symbol('SEARCH_WINDOW');
const DEFAULT_SEARCH_WINDOW = 5000;
const ORDER = 'ORDER BY w.received_at DESC, w.id DESC';

interface Filter {
  where: string;
  values: unknown[];
  /** The tsquery, when the query has text; `where` never contains it (search() places it). */
  search: string | null;
  query: WorkOrderListQuery;
}
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
    @Optional() @Inject(SEARCH_WINDOW) searchWindow: number | null = null,
  ) {
    this.searchWindow = searchWindow ?? DEFAULT_SEARCH_WINDOW;
  }

  private readonly searchWindow: number;

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
      const view = toWorkOrderView(order, visibility, this.clock.now(), await this.repository.assignments(tx, order.id));
      // The calls (with the caller's voice) are the centre's; a unit works from the order's text.
      return isUnitScoped(actor.roles) ? view : { ...view, calls: await this.repository.linkedCallsWithRecordings(tx, order.id) };
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
    const sql = this.transactions.sql();
    const unitId = isUnitScoped(actor.roles) ? actor.unitId : null;
    // A unit never learns who is behind a confidential order, so a search by number does not find one.
    const filter = this.filters(isUnitScoped(actor.roles) && query.callerNumber !== undefined ? { ...query, confidential: false } : query);
    let orders: WorkOrder[];
    if (!filter.search) {
      const source = this.orderedSource(unitId, filter, limit + 1);
      orders = (await sql.query(`SELECT ${WORK_ORDER_SELECT} FROM ${source.sql} w ${ORDER} LIMIT ${limit + 1}`, source.values)).rows.map(fromRow);
    } else {
      orders = await this.search(sql, unitId, filter, filter.search, limit + 1);
    }
    const page = orders.slice(0, limit);
    const now = this.clock.now();
    const last = page[page.length - 1];
    return {
      items: page.map((order) => toWorkOrderView(order, callerVisibility(actor, order, 'list'), now)),
      nextCursor: orders.length > limit && last ? encodeCursor({ receivedAt: last.receivedAt.toISOString(), id: last.id }) : null,
    };
  }

  /**
   * Full text, newest first. Postgres cannot estimate how many rows a phrase matches, so left alone it reads
   * every match of a common term through the GIN index and sorts them (≈200 ms for 50,000 matches in a
   * million orders). Instead: (1) filter the newest `searchWindow` (5,000) orders that pass the other filters, in
   * index order — a common term fills the page there; (2) only if it does not, ask the GIN index for the
   * older matches, which are then few enough to sort.
   */
  private async search(sql: Sql, unitId: string | null, filter: Filter, tsquery: string, wanted: number): Promise<WorkOrder[]> {
    const window = this.orderedSource(unitId, filter, this.searchWindow);
    const q = `$${window.values.length + 1}`;
    const recent = (
      await sql.query(`SELECT ${WORK_ORDER_SELECT} FROM ${window.sql} w WHERE w.search_tokens @@ ${q}::tsquery ${ORDER} LIMIT ${wanted}`, [
        ...window.values,
        tsquery,
      ])
    ).rows.map(fromRow);
    if (recent.length >= wanted) return recent;
    const boundary = (
      await sql.query<{ received_at: Date; id: string }>(`SELECT w.received_at, w.id FROM ${window.sql} w ${ORDER} OFFSET ${this.searchWindow - 1} LIMIT 1`, window.values)
    ).rows[0];
    // The window held every candidate: nothing older exists.
    if (!boundary) return recent;
    const older = this.filters({ ...filter.query, cursor: encodeCursor({ receivedAt: boundary.received_at.toISOString(), id: boundary.id }) });
    const text = `w.search_tokens @@ $${older.values.length + 1}::tsquery`;
    const scope = unitId ? ` AND EXISTS (SELECT 1 FROM work_order_assignments a WHERE a.order_id = w.id AND a.unit_id = $${older.values.length + 2} AND a.active)` : '';
    // The window had too few matches, so the term is rare: fetch its matches through the GIN index first
    // (MATERIALIZED keeps the planner from walking the received_at index backwards over a million rows looking
    // for them, which took ~600 ms for a term with one match), then sort the few.
    const rest = (
      await sql.query(
        `WITH matches AS MATERIALIZED (SELECT w.* FROM work_orders w WHERE ${older.where} AND ${text}${scope})
         SELECT ${WORK_ORDER_SELECT} FROM matches w ${ORDER} LIMIT ${wanted - recent.length}`,
        unitId ? [...older.values, tsquery, unitId] : [...older.values, tsquery],
      )
    ).rows.map(fromRow);
    return [...recent, ...rest];
  }

  /**
   * The orders passing `filter`, newest first, at most `bound` of them, as a FROM item. For a unit it is the
   * orders it leads (served by the (lead_unit_id, received_at) index) merged with those it co-handles (few),
   * rather than a per-row EXISTS over the whole table.
   */
  private orderedSource(unitId: string | null, filter: Filter, bound: number): { sql: string; values: unknown[] } {
    const where = filter.where;
    if (!unitId) return { sql: `(SELECT w.* FROM work_orders w WHERE ${where} ${ORDER} LIMIT ${bound})`, values: filter.values };
    const unit = `$${filter.values.length + 1}`;
    return {
      // The outer limit keeps the source exactly "the newest `bound`", which search()'s boundary relies on.
      sql: `(SELECT w.* FROM (
          (SELECT w.* FROM work_orders w WHERE w.lead_unit_id = ${unit} AND ${where} ${ORDER} LIMIT ${bound})
          UNION ALL
          (SELECT w.* FROM work_orders w JOIN work_order_assignments a ON a.order_id = w.id AND a.unit_id = ${unit} AND a.active AND a.role = 'co'
           WHERE ${where} ${ORDER} LIMIT ${bound})
        ) w ${ORDER} LIMIT ${bound})`,
      values: [...filter.values, unitId],
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

  /** The filters other than unit scope and text, as SQL over alias `w`; the tsquery is returned apart. */
  private filters(query: WorkOrderListQuery): Filter {
    const clauses: string[] = ['true'];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
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
    if (query.callerNumber !== undefined) clauses.push(`w.caller_phone = ${param(query.callerNumber)}`);
    if (query.confidential !== undefined) clauses.push(`w.confidential = ${param(query.confidential)}`);
    if (query.receivedFrom) clauses.push(`w.received_at >= ${param(query.receivedFrom)}`);
    if (query.receivedTo) clauses.push(`w.received_at < ${param(query.receivedTo)}`);
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) throw new InvalidWorkOrderInputError(WorkOrderErrorCode.InvalidInput, 'The cursor is not one this api issued', { field: 'cursor' });
      clauses.push(`(w.received_at, w.id) < (${param(cursor.receivedAt)}::timestamptz, ${param(cursor.id)}::uuid)`);
    }
    let search: string | null = null;
    if (query.q !== undefined) {
      search = toSearchQuery(query.q);
      if (!search) throw new InvalidWorkOrderInputError(WorkOrderErrorCode.InvalidInput, 'The search text has no letters or digits', { field: 'q' });
    }
    return { where: clauses.join(' AND '), values, search, query };
  }
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A cell a spreadsheet would run as a formula is defused (CSV injection).
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
