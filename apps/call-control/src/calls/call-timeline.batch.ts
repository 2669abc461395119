import type { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';

/** A call's record is opened (idempotent on its id, which call-control derives from the channel id). */
export interface OpenCallOp {
  op: 'call';
  callId: string;
  channelId: string;
  direction: 'inbound' | 'outbound';
  callerNumber: string | null;
  dialedNumber: string;
  startedAt: string;
  lineNumber: string | null;
  skill: string | null;
}

/** A change of the call row; several for one call in a batch are merged in order. */
export interface UpdateCallOp {
  op: 'update';
  callId: string;
  answeredAt?: string;
  ended?: { endedAt: string; hangupCause: number | null; hangupCauseText: string | null };
  routing?: { lineNumber: string; skill: string };
  tags?: Record<string, string>;
}

/** A timeline event; its sequence is given at write time, in the order events were handed over. */
export interface CallEventOp {
  op: 'event';
  eventId: string;
  callId: string;
  type: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/**
 * The call's queue record (acd_queue_calls): entered a queue, then answered or left it. Part of the call's
 * record, written behind the call like its timeline so the ACD never waits for Postgres either.
 */
export type QueueRecordOp =
  | { op: 'queue'; action: 'queued'; callId: string; skill: string; priority: number; at: string }
  | { op: 'queue'; action: 'answered'; callId: string; agentId: string; skill: string; at: string; waitMs: number; offers: number }
  | { op: 'queue'; action: 'left'; callId: string; outcome: 'abandoned' | 'callback' | 'transferred'; skill: string; at: string; waitMs: number; offers: number };

/** A line of an agent's state history (acd_agent_state_log); `entryId` makes a repeated write a no-op. */
export interface AgentStateOp {
  op: 'agent-state';
  entryId: string;
  agentId: string;
  state: string;
  reason: string | null;
  seat: string | null;
  callId: string | null;
  at: string;
  /** Set on a change to wrap_up: when it ends. Absent in ops buffered before this field existed. */
  wrapUntil?: string | null;
}

export type TimelineOp = OpenCallOp | UpdateCallOp | CallEventOp | QueueRecordOp | AgentStateOp;

interface MergedUpdate {
  id: string;
  answered_at: string | null;
  ended: boolean;
  ended_at: string | null;
  hangup_cause: number | null;
  hangup_cause_text: string | null;
  line_number: string | null;
  skill: string | null;
  tags: Record<string, string>;
}

/**
 * Writes one batch in one transaction with three statements, whatever its size: new calls, merged row
 * changes, events. Every statement is idempotent, so a batch written twice leaves the record as once.
 */
export async function applyTimelineBatch(client: PoolClient, ops: TimelineOp[], logger: Logger): Promise<void> {
  const calls = ops.filter((op): op is OpenCallOp => op.op === 'call');
  const updates = mergeUpdates(ops.filter((op): op is UpdateCallOp => op.op === 'update'));
  const events = ops.filter((op): op is CallEventOp => op.op === 'event');
  const queue = ops.filter((op): op is QueueRecordOp => op.op === 'queue');
  const agentStates = ops.filter((op): op is AgentStateOp => op.op === 'agent-state');
  await client.query('BEGIN');
  try {
    if (calls.length > 0) {
      await client.query(
        `INSERT INTO calls (id, channel_id, direction, caller_number, dialed_number, status, started_at, line_number, skill)
         SELECT x.id, x.channel_id, x.direction, x.caller_number, x.dialed_number, 'ringing', x.started_at, x.line_number, x.skill
           FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, channel_id text, direction text, caller_number text, dialed_number text, started_at timestamptz, line_number text, skill text)
         ON CONFLICT DO NOTHING`,
        [
          JSON.stringify(
            calls.map((call) => ({
              id: call.callId,
              channel_id: call.channelId,
              direction: call.direction,
              caller_number: call.callerNumber,
              dialed_number: call.dialedNumber,
              started_at: call.startedAt,
              line_number: call.lineNumber,
              skill: call.skill,
            })),
          ),
        ],
      );
    }
    if (updates.length > 0) {
      // An ended call stays ended (a late "answered" from a re-flush or a re-adoption changes nothing).
      await client.query(
        `UPDATE calls c SET
           status = CASE WHEN c.status = 'ended' OR x.ended THEN 'ended' WHEN x.answered_at IS NOT NULL THEN 'answered' ELSE c.status END,
           answered_at = coalesce(c.answered_at, x.answered_at),
           ended_at = CASE WHEN c.status <> 'ended' AND x.ended THEN x.ended_at ELSE c.ended_at END,
           hangup_cause = CASE WHEN c.status <> 'ended' AND x.ended THEN x.hangup_cause ELSE c.hangup_cause END,
           hangup_cause_text = CASE WHEN c.status <> 'ended' AND x.ended THEN x.hangup_cause_text ELSE c.hangup_cause_text END,
           line_number = coalesce(x.line_number, c.line_number),
           skill = coalesce(x.skill, c.skill),
           tags = c.tags || x.tags,
           updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, answered_at timestamptz, ended boolean, ended_at timestamptz, hangup_cause integer, hangup_cause_text text, line_number text, skill text, tags jsonb)
         WHERE c.id = x.id`,
        [JSON.stringify(updates)],
      );
    }
    if (events.length > 0) {
      const result = await client.query<{ event_id: string }>(
        `WITH batch AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(ord integer, event_id uuid, call_id uuid, type text, occurred_at timestamptz, payload jsonb)
         ), fresh AS (
           SELECT b.* FROM batch b WHERE NOT EXISTS (SELECT 1 FROM call_events e WHERE e.event_id = b.event_id)
         ), counts AS (
           SELECT call_id, count(*)::integer AS n FROM fresh GROUP BY call_id
         ), bumped AS (
           UPDATE calls c SET last_sequence = c.last_sequence + counts.n, updated_at = now() FROM counts WHERE c.id = counts.call_id
           RETURNING c.id, c.last_sequence - counts.n AS base
         )
         INSERT INTO call_events (event_id, call_id, sequence, type, occurred_at, payload)
         SELECT f.event_id, f.call_id, bumped.base + row_number() OVER (PARTITION BY f.call_id ORDER BY f.ord), f.type, f.occurred_at, f.payload
           FROM fresh f JOIN bumped ON bumped.id = f.call_id
         RETURNING event_id`,
        [
          JSON.stringify(
            events.map((event, ord) => ({ ord, event_id: event.eventId, call_id: event.callId, type: event.type, occurred_at: event.occurredAt, payload: event.payload })),
          ),
        ],
      );
      const written = new Set(result.rows.map((row) => row.event_id));
      const orphans = events.filter((event) => !written.has(event.eventId));
      if (orphans.length > 0) {
        // Either already written (a repeated flush) or for a call with no row: tell the two apart.
        const { rows } = await client.query<{ event_id: string }>(`SELECT event_id FROM call_events WHERE event_id = ANY($1::uuid[])`, [orphans.map((event) => event.eventId)]);
        const present = new Set(rows.map((row) => row.event_id));
        for (const event of orphans.filter((orphan) => !present.has(orphan.eventId))) {
          logger.error(`Timeline event ${event.type} ${event.eventId} names call ${event.callId}, which has no record; not written`);
        }
      }
    }
    if (queue.length > 0) await applyQueueRecords(client, queue);
    if (agentStates.length > 0) {
      // In the order the states changed (the history is read newest id first).
      await client.query(
        `INSERT INTO acd_agent_state_log (entry_id, agent_id, state, reason, seat, call_id, at, wrap_until)
         SELECT x.entry_id, x.agent_id, x.state, x.reason, x.seat, x.call_id, x.at, x.wrap_until
           FROM jsonb_to_recordset($1::jsonb) AS x(ord integer, entry_id uuid, agent_id text, state text, reason text, seat text, call_id uuid, at timestamptz, wrap_until timestamptz)
          ORDER BY x.ord
         ON CONFLICT (entry_id) DO NOTHING`,
        [JSON.stringify(agentStates.map((op, ord) => ({ ord, entry_id: op.entryId, agent_id: op.agentId, state: op.state, reason: op.reason, seat: op.seat, call_id: op.callId, at: op.at, wrap_until: op.wrapUntil ?? null })))],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => logger.warn(`Rollback of a timeline batch failed: ${rollbackError.message}`));
    throw error;
  }
}

function mergeUpdates(updates: UpdateCallOp[]): MergedUpdate[] {
  const merged = new Map<string, MergedUpdate>();
  for (const update of updates) {
    let row = merged.get(update.callId);
    if (!row) {
      row = { id: update.callId, answered_at: null, ended: false, ended_at: null, hangup_cause: null, hangup_cause_text: null, line_number: null, skill: null, tags: {} };
      merged.set(update.callId, row);
    }
    if (update.answeredAt && !row.answered_at) row.answered_at = update.answeredAt;
    if (update.ended && !row.ended) {
      row.ended = true;
      row.ended_at = update.ended.endedAt;
      row.hangup_cause = update.ended.hangupCause;
      row.hangup_cause_text = update.ended.hangupCauseText;
    }
    if (update.routing) {
      row.line_number = update.routing.lineNumber;
      row.skill = update.routing.skill;
    }
    if (update.tags) Object.assign(row.tags, update.tags);
  }
  return [...merged.values()];
}

/**
 * Entries first, then outcomes: an outcome is written once (outcome IS NULL), so answered-then-left keeps
 * "answered" whichever of the two comes first here, as it did in call order.
 */
async function applyQueueRecords(client: PoolClient, ops: QueueRecordOp[]): Promise<void> {
  const of = <A extends QueueRecordOp['action']>(action: A) => ops.filter((op): op is Extract<QueueRecordOp, { action: A }> => op.action === action);
  const queued = of('queued');
  if (queued.length > 0) {
    await client.query(
      `INSERT INTO acd_queue_calls (call_id, skill, priority, enqueued_at)
       SELECT x.call_id, x.skill, x.priority, x.at FROM jsonb_to_recordset($1::jsonb) AS x(call_id uuid, skill text, priority integer, at timestamptz)
       ON CONFLICT (call_id) DO NOTHING`,
      [JSON.stringify(queued.map((op) => ({ call_id: op.callId, skill: op.skill, priority: op.priority, at: op.at })))],
    );
  }
  const answered = of('answered');
  if (answered.length > 0) {
    await client.query(
      `UPDATE acd_queue_calls q SET outcome = 'answered', agent_id = x.agent_id, final_skill = x.skill, answered_at = x.at, wait_ms = x.wait_ms, offers = x.offers
         FROM jsonb_to_recordset($1::jsonb) AS x(call_id uuid, agent_id text, skill text, at timestamptz, wait_ms integer, offers integer)
        WHERE q.call_id = x.call_id AND q.outcome IS NULL`,
      [JSON.stringify(answered.map((op) => ({ call_id: op.callId, agent_id: op.agentId, skill: op.skill, at: op.at, wait_ms: op.waitMs, offers: op.offers })))],
    );
  }
  const left = of('left');
  if (left.length > 0) {
    await client.query(
      `UPDATE acd_queue_calls q SET outcome = x.outcome, final_skill = x.skill, ended_at = x.at, wait_ms = x.wait_ms, offers = x.offers
         FROM jsonb_to_recordset($1::jsonb) AS x(call_id uuid, outcome text, skill text, at timestamptz, wait_ms integer, offers integer)
        WHERE q.call_id = x.call_id AND q.outcome IS NULL`,
      [JSON.stringify(left.map((op) => ({ call_id: op.callId, outcome: op.outcome, skill: op.skill, at: op.at, wait_ms: op.waitMs, offers: op.offers })))],
    );
  }
}
