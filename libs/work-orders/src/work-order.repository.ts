import { Injectable } from '@nestjs/common';
import { Sql } from './pg-transaction';
import { toSearchVector } from './search-tokens';
import { ExtensionRequest, WorkOrder, WorkOrderAssignment, WorkOrderEvent } from './work-order.entity';
import type { LinkedCallView } from './work-order.view';

/** camelCase field → column. Everything the aggregate holds, nothing more. */
const COLUMNS: Record<keyof WorkOrder, string> = {
  id: 'id',
  number: 'number',
  status: 'status',
  version: 'version',
  presetCode: 'preset_code',
  presetVersion: 'preset_version',
  channel: 'channel',
  lineTag: 'line_tag',
  type: 'type',
  callerKind: 'caller_kind',
  categoryId: 'category_id',
  regionCode: 'region_code',
  address: 'address',
  subject: 'subject',
  content: 'content',
  callerPhone: 'caller_phone',
  callerName: 'caller_name',
  contactPreference: 'contact_preference',
  confidential: 'confidential',
  emergencyLinked: 'emergency_linked',
  intakeBy: 'intake_by',
  receivedAt: 'received_at',
  leadUnitId: 'lead_unit_id',
  dispatchedAt: 'dispatched_at',
  dispatchDueAt: 'dispatch_due_at',
  signDueAt: 'sign_due_at',
  signedAt: 'signed_at',
  firstContactDueAt: 'first_contact_due_at',
  firstContactedAt: 'first_contacted_at',
  returnDueAt: 'return_due_at',
  handleDueAt: 'handle_due_at',
  handlingLimit: 'handling_limit',
  repliedAt: 'replied_at',
  closedAt: 'closed_at',
  archivedAt: 'archived_at',
  extensionCount: 'extension_count',
  extendedWorkingDays: 'extended_working_days',
  sendBackCount: 'send_back_count',
  reopenCount: 'reopen_count',
  returnCount: 'return_count',
  arbitrationEscalated: 'arbitration_escalated',
  ratingRound: 'rating_round',
  currentRating: 'current_rating',
  dispositionReason: 'disposition_reason',
  dispositionNote: 'disposition_note',
  transferredTo: 'transferred_to',
  repeatedAfterAnswerOf: 'repeated_after_answer_of',
  deadlineWarnings: 'deadline_warnings',
};

const FIELDS = Object.keys(COLUMNS) as (keyof WorkOrder)[];
const JSON_FIELDS: ReadonlySet<keyof WorkOrder> = new Set(['handlingLimit', 'deadlineWarnings']);
export const WORK_ORDER_SELECT = FIELDS.map((field) => `w.${COLUMNS[field]} AS "${field}"`).join(', ');

export interface NewRating {
  orderId: string;
  round: number;
  handlingLevel: string;
  intakeLevel: string | null;
  surveyChannel: string;
  comment: string | null;
  recordedBy: string | null;
  ratedAt: Date;
}

export interface NewSupervision {
  orderId: string;
  unitId: string | null;
  kind: 'dispatch_overdue' | 'sign_overdue' | 'contact_overdue' | 'handle_overdue' | 'repeat_report' | 'manual';
  level: number;
  dueAt: Date | null;
  reason: string;
  createdBy: string | null;
  createdAt: Date;
}

export interface Category {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
}

/** Postgres persistence of the work-order aggregate. Every method runs on the caller's transaction. */
@Injectable()
export class WorkOrderRepository {
  async findById(tx: Sql, id: string, lock = false): Promise<WorkOrder | null> {
    const { rows } = await tx.query(`SELECT ${WORK_ORDER_SELECT} FROM work_orders w WHERE w.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async findByNumber(tx: Sql, number: string): Promise<WorkOrder | null> {
    const { rows } = await tx.query(`SELECT ${WORK_ORDER_SELECT} FROM work_orders w WHERE w.number = $1`, [number]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** Next number of the day; the counter row's lock serialises concurrent intakes without gaps. */
  async nextDailySequence(tx: Sql, day: string): Promise<number> {
    const { rows } = await tx.query<{ last_value: number }>(
      `INSERT INTO work_order_number_counters (day, last_value) VALUES ($1, 1)
       ON CONFLICT (day) DO UPDATE SET last_value = work_order_number_counters.last_value + 1
       RETURNING last_value`,
      [day],
    );
    return rows[0].last_value;
  }

  async insert(tx: Sql, order: WorkOrder): Promise<void> {
    const values = FIELDS.map((field) => toColumnValue(field, order[field]));
    const placeholders = FIELDS.map((_, i) => `$${i + 1}`);
    await tx.query(
      `INSERT INTO work_orders (${FIELDS.map((field) => COLUMNS[field]).join(', ')}, search_tokens)
       VALUES (${placeholders.join(', ')}, $${FIELDS.length + 1}::tsvector)`,
      [...values, toSearchVector(order.subject, order.content, order.address)],
    );
  }

  /**
   * Writes the changed fields if, and only if, the stored version is still `before.version`; the row's
   * version becomes `after.version`. Returns false when someone else got there first.
   */
  async update(tx: Sql, before: WorkOrder, after: WorkOrder): Promise<boolean> {
    const changed = FIELDS.filter((field) => field !== 'version' && field !== 'id' && JSON.stringify(before[field]) !== JSON.stringify(after[field]));
    const sets = changed.map((field, i) => `${COLUMNS[field]} = $${i + 3}`);
    const values = changed.map((field) => toColumnValue(field, after[field]));
    const { rowCount } = await tx.query(
      `UPDATE work_orders SET ${[...sets, `version = $${changed.length + 3}`, 'updated_at = now()'].join(', ')}
       WHERE id = $1 AND version = $2`,
      [after.id, before.version, ...values, after.version],
    );
    return rowCount === 1;
  }

  async currentVersion(tx: Sql, id: string): Promise<number | null> {
    const { rows } = await tx.query<{ version: number }>(`SELECT version FROM work_orders WHERE id = $1`, [id]);
    return rows[0]?.version ?? null;
  }

  /** Appends to the immutable log; the sequence follows the order's last event under the order row's lock. */
  async appendEvent(tx: Sql, event: Omit<WorkOrderEvent, 'sequence'>): Promise<number> {
    const { rows } = await tx.query<{ sequence: number }>(
      `INSERT INTO work_order_events (order_id, sequence, type, actor_id, actor_roles, occurred_at, before, after, payload)
       SELECT $1, coalesce(max(sequence), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM work_order_events WHERE order_id = $1
       RETURNING sequence`,
      [
        event.orderId,
        event.type,
        event.actorId,
        event.actorRoles,
        event.occurredAt,
        event.before ? JSON.stringify(event.before) : null,
        event.after ? JSON.stringify(event.after) : null,
        JSON.stringify(event.payload),
      ],
    );
    return rows[0].sequence;
  }

  async events(tx: Sql, orderId: string): Promise<WorkOrderEvent[]> {
    const { rows } = await tx.query(
      `SELECT order_id AS "orderId", sequence, type, actor_id AS "actorId", actor_roles AS "actorRoles", occurred_at AS "occurredAt",
              before, after, payload
       FROM work_order_events WHERE order_id = $1 ORDER BY sequence`,
      [orderId],
    );
    return rows as WorkOrderEvent[];
  }

  async assignments(tx: Sql, orderId: string): Promise<WorkOrderAssignment[]> {
    const { rows } = await tx.query(
      `SELECT order_id AS "orderId", unit_id AS "unitId", role, assigned_at AS "assignedAt", contribution, contributed_at AS "contributedAt"
       FROM work_order_assignments WHERE order_id = $1 AND active ORDER BY role DESC, id`,
      [orderId],
    );
    return rows as WorkOrderAssignment[];
  }

  /** Ends the current assignments and assigns the new lead and co-handlers. */
  async replaceAssignments(tx: Sql, orderId: string, leadUnitId: string, coUnitIds: readonly string[], at: Date): Promise<void> {
    await tx.query(`UPDATE work_order_assignments SET active = false WHERE order_id = $1 AND active`, [orderId]);
    await tx.query(
      `INSERT INTO work_order_assignments (order_id, unit_id, role, assigned_at)
       SELECT $1, unit_id, CASE WHEN unit_id = $2 THEN 'lead' ELSE 'co' END, $3 FROM unnest($4::uuid[]) AS unit_id`,
      [orderId, leadUnitId, at, [leadUnitId, ...coUnitIds]],
    );
  }

  async recordContribution(tx: Sql, orderId: string, unitId: string, contribution: string, userId: string | null, at: Date): Promise<void> {
    await tx.query(
      `UPDATE work_order_assignments SET contribution = $3, contributed_at = $4, contributed_by = $5
       WHERE order_id = $1 AND unit_id = $2 AND active AND role = 'co'`,
      [orderId, unitId, contribution, at, userId],
    );
  }

  async pendingExtension(tx: Sql, orderId: string): Promise<ExtensionRequest | null> {
    const { rows } = await tx.query(
      `SELECT id, order_id AS "orderId", unit_id AS "unitId", requested_by AS "requestedBy", requested_at AS "requestedAt",
              working_days AS "workingDays", reason, status
       FROM work_order_extension_requests WHERE order_id = $1 AND status = 'pending'`,
      [orderId],
    );
    return (rows[0] as ExtensionRequest | undefined) ?? null;
  }

  async insertExtension(tx: Sql, request: Omit<ExtensionRequest, 'id' | 'status'>): Promise<string> {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO work_order_extension_requests (order_id, unit_id, requested_by, requested_at, working_days, reason)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [request.orderId, request.unitId, request.requestedBy, request.requestedAt, request.workingDays, request.reason],
    );
    return rows[0].id;
  }

  async decideExtension(
    tx: Sql,
    id: string,
    decision: { status: 'approved' | 'rejected'; decidedBy: string | null; decidedAt: Date; note: string | null; callerNotice: string | null },
  ): Promise<void> {
    await tx.query(
      `UPDATE work_order_extension_requests SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5, caller_notice = $6
       WHERE id = $1 AND status = 'pending'`,
      [id, decision.status, decision.decidedBy, decision.decidedAt, decision.note, decision.callerNotice],
    );
  }

  async insertRating(tx: Sql, rating: NewRating): Promise<void> {
    await tx.query(
      `INSERT INTO work_order_ratings (order_id, round, handling_level, intake_level, survey_channel, comment, recorded_by, rated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [rating.orderId, rating.round, rating.handlingLevel, rating.intakeLevel, rating.surveyChannel, rating.comment, rating.recordedBy, rating.ratedAt],
    );
  }

  async ratings(tx: Sql, orderId: string): Promise<NewRating[]> {
    const { rows } = await tx.query(
      `SELECT order_id AS "orderId", round, handling_level AS "handlingLevel", intake_level AS "intakeLevel", survey_channel AS "surveyChannel",
              comment, recorded_by AS "recordedBy", rated_at AS "ratedAt"
       FROM work_order_ratings WHERE order_id = $1 ORDER BY round`,
      [orderId],
    );
    return rows as NewRating[];
  }

  /** Returns the new supervision's id, or null when this exact supervision already exists (a repeated timer). */
  async insertSupervision(tx: Sql, supervision: NewSupervision): Promise<string | null> {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO work_order_supervisions (order_id, unit_id, kind, level, due_at, reason, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id`,
      [
        supervision.orderId,
        supervision.unitId,
        supervision.kind,
        supervision.level,
        supervision.dueAt,
        supervision.reason,
        supervision.createdBy,
        supervision.createdAt,
      ],
    );
    return rows[0]?.id ?? null;
  }

  async supervisions(tx: Sql, orderId: string): Promise<(NewSupervision & { id: string })[]> {
    const { rows } = await tx.query(
      `SELECT id, order_id AS "orderId", unit_id AS "unitId", kind, level, due_at AS "dueAt", reason, created_by AS "createdBy", created_at AS "createdAt"
       FROM work_order_supervisions WHERE order_id = $1 ORDER BY created_at, level`,
      [orderId],
    );
    return rows as (NewSupervision & { id: string })[];
  }

  async countSupervisions(tx: Sql, orderId: string, kind: NewSupervision['kind']): Promise<number> {
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM work_order_supervisions WHERE order_id = $1 AND kind = $2`,
      [orderId, kind],
    );
    return rows[0].n;
  }

  /** A notification for a unit or the centre; `dedupeKey` makes a repeated timer harmless. */
  async notify(tx: Sql, notification: { orderId: string; unitId: string | null; kind: string; message: string; dedupeKey: string; at: Date }): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO work_order_notifications (order_id, unit_id, kind, message, dedupe_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING`,
      [notification.orderId, notification.unitId, notification.kind, notification.message, notification.dedupeKey, notification.at],
    );
    return rowCount === 1;
  }

  async linkCall(tx: Sql, orderId: string, callId: string, recordingRef: string | null): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO work_order_calls (order_id, call_id, recording_ref) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [orderId, callId, recordingRef],
    );
    return rowCount === 1;
  }

  async linkedCalls(tx: Sql, orderId: string): Promise<{ callId: string; recordingRef: string | null }[]> {
    const { rows } = await tx.query(
      `SELECT call_id AS "callId", recording_ref AS "recordingRef" FROM work_order_calls WHERE order_id = $1 ORDER BY linked_at`,
      [orderId],
    );
    return rows as { callId: string; recordingRef: string | null }[];
  }

  /** Whether any of these calls was transferred to an emergency line (call_transfers, issue 7). */
  async hasEmergencyTransfer(tx: Sql, callIds: string[]): Promise<boolean> {
    if (callIds.length === 0) return false;
    const { rows } = await tx.query(`SELECT 1 FROM call_transfers WHERE call_id = ANY($1::uuid[]) AND emergency LIMIT 1`, [callIds]);
    return rows.length > 0;
  }

  /**
   * Marks a call-side draft (call_order_drafts, opened by call-control when an agent answered or a caller left
   * a message) as filed by this order. Null if it does not exist or was filed or discarded already.
   */
  async submitCallDraft(tx: Sql, draftId: string, orderId: string): Promise<{ callId: string; recordingId: string | null } | null> {
    const { rows } = await tx.query<{ call_id: string; recording_id: string | null }>(
      `UPDATE call_order_drafts SET status = 'submitted', work_order_id = $2, updated_at = now()
        WHERE id = $1 AND status IN ('open', 'attached') RETURNING call_id, recording_id`,
      [draftId, orderId],
    );
    return rows[0] ? { callId: rows[0].call_id, recordingId: rows[0].recording_id } : null;
  }

  /** The order's calls, oldest link first, each with who answered it and its recordings (GET /work-orders/{id}). */
  async linkedCallsWithRecordings(tx: Sql, orderId: string): Promise<LinkedCallView[]> {
    const { rows } = await tx.query<{
      call_id: string; direction: 'inbound' | 'outbound'; status: 'ringing' | 'answered' | 'ended'; started_at: Date; answered_at: Date | null; ended_at: Date | null;
      agent_id: string | null; linked_at: Date; recordings: Array<{ id: string; kind: 'call' | 'message'; status: 'recording' | 'finalised' | 'missing'; durationMs: number | null }>;
    }>(
      `SELECT l.call_id, c.direction, c.status, c.started_at, c.answered_at, c.ended_at, q.agent_id, l.linked_at,
              coalesce((SELECT jsonb_agg(jsonb_build_object('id', r.id, 'kind', r.kind, 'status', r.status, 'durationMs', r.duration_ms) ORDER BY r.started_at)
                          FROM recordings r WHERE r.call_id = l.call_id), '[]'::jsonb) AS recordings
         FROM work_order_calls l
         JOIN calls c ON c.id = l.call_id
         LEFT JOIN acd_queue_calls q ON q.call_id = l.call_id
        WHERE l.order_id = $1
        ORDER BY l.linked_at, l.call_id`,
      [orderId],
    );
    return rows.map((row) => ({
      callId: row.call_id,
      direction: row.direction,
      status: row.status,
      startedAt: row.started_at.toISOString(),
      answeredAt: row.answered_at?.toISOString() ?? null,
      endedAt: row.ended_at?.toISOString() ?? null,
      durationMs: row.ended_at ? row.ended_at.getTime() - row.started_at.getTime() : null,
      agentId: row.agent_id,
      linkedAt: row.linked_at.toISOString(),
      recordings: row.recordings,
    }));
  }

  /** The same, for the call of a draft being filed (the agent's usual way to take in a call's order). */
  async draftHasEmergencyTransfer(tx: Sql, draftId: string): Promise<boolean> {
    const { rows } = await tx.query(`SELECT 1 FROM call_order_drafts d JOIN call_transfers t ON t.call_id = d.call_id WHERE d.id = $1 AND t.emergency LIMIT 1`, [draftId]);
    return rows.length > 0;
  }

  async callExists(tx: Sql, callId: string): Promise<boolean> {
    const { rows } = await tx.query(`SELECT 1 FROM calls WHERE id = $1`, [callId]);
    return rows.length > 0;
  }

  async categoryPath(tx: Sql, categoryId: string): Promise<Category[]> {
    const { rows } = await tx.query(
      `WITH RECURSIVE path AS (
         SELECT id, code, name, parent_id, 0 AS depth FROM categories WHERE id = $1
         UNION ALL
         SELECT c.id, c.code, c.name, c.parent_id, p.depth + 1 FROM categories c JOIN path p ON c.id = p.parent_id
       )
       SELECT id, code, name, parent_id AS "parentId" FROM path ORDER BY depth DESC`,
      [categoryId],
    );
    return rows as Category[];
  }

  async categories(tx: Sql): Promise<Category[]> {
    const { rows } = await tx.query(`SELECT id, code, name, parent_id AS "parentId" FROM categories WHERE active ORDER BY code`);
    return rows as Category[];
  }

  async unitKinds(tx: Sql, unitIds: readonly string[]): Promise<Map<string, { kind: string; active: boolean }>> {
    const { rows } = await tx.query<{ id: string; kind: string; active: boolean }>(
      `SELECT id, kind, active FROM units WHERE id = ANY($1::uuid[])`,
      [unitIds],
    );
    return new Map(rows.map((row) => [row.id, { kind: row.kind, active: row.active }]));
  }

  async auditSensitiveRead(tx: Sql, read: { userId: string; orderId: string; fields: string[]; purpose: string; at: Date }): Promise<void> {
    await tx.query(`INSERT INTO sensitive_read_audit (user_id, order_id, fields, purpose, read_at) VALUES ($1, $2, $3, $4, $5)`, [
      read.userId,
      read.orderId,
      read.fields,
      read.purpose,
      read.at,
    ]);
  }
}

function toColumnValue(field: keyof WorkOrder, value: unknown): unknown {
  if (JSON_FIELDS.has(field)) return value === null ? null : JSON.stringify(value);
  return value;
}

/** pg returns timestamptz as Date and jsonb parsed; only integer counters need no help either. */
export function fromRow(row: Record<string, unknown>): WorkOrder {
  return row as unknown as WorkOrder;
}
