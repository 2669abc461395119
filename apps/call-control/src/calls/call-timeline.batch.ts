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

/** The row of a call's recording, started before Stasis() (MixMonitor); finalised after the call. */
export interface RecordingOp {
  op: 'recording';
  callId: string;
  /** call: MixMonitor's, from answer to hangup; message: one the caller left in the IVR. */
  kind: 'call' | 'message';
  channelId: string;
  /** Relative to the recordings store. */
  filePath: string;
  startedAt: string;
}

export type TimelineOp = OpenCallOp | UpdateCallOp | CallEventOp | QueueRecordOp | AgentStateOp | RecordingOp;

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
 * Writes one batch in one round trip, whatever its size: `apply_call_timeline_batch` (migrations
 * 1796300000001 and 1796400000000) runs the steps in order as one statement, so the batch is atomic without BEGIN and COMMIT.
 * Every step is idempotent, so a batch written twice leaves the record as once.
 */
export async function applyTimelineBatch(client: PoolClient, ops: TimelineOp[], logger: Logger): Promise<void> {
  const events = ops.filter((op): op is CallEventOp => op.op === 'event');
  const queue = ops.filter((op): op is QueueRecordOp => op.op === 'queue');
  const queueRecords = <A extends QueueRecordOp['action']>(action: A) => queue.filter((op): op is Extract<QueueRecordOp, { action: A }> => op.action === action);
  const batch = {
    calls: ops
      .filter((op): op is OpenCallOp => op.op === 'call')
      .map((call) => ({
        id: call.callId,
        channel_id: call.channelId,
        direction: call.direction,
        caller_number: call.callerNumber,
        dialed_number: call.dialedNumber,
        started_at: call.startedAt,
        line_number: call.lineNumber,
        skill: call.skill,
      })),
    updates: mergeUpdates(ops.filter((op): op is UpdateCallOp => op.op === 'update')),
    events: events.map((event, ord) => ({ ord, event_id: event.eventId, call_id: event.callId, type: event.type, occurred_at: event.occurredAt, payload: event.payload })),
    queued: queueRecords('queued').map((op) => ({ call_id: op.callId, skill: op.skill, priority: op.priority, at: op.at })),
    answered: queueRecords('answered').map((op) => ({ call_id: op.callId, agent_id: op.agentId, skill: op.skill, at: op.at, wait_ms: op.waitMs, offers: op.offers })),
    left: queueRecords('left').map((op) => ({ call_id: op.callId, outcome: op.outcome, skill: op.skill, at: op.at, wait_ms: op.waitMs, offers: op.offers })),
    agentStates: ops
      .filter((op): op is AgentStateOp => op.op === 'agent-state')
      .map((op, ord) => ({ ord, entry_id: op.entryId, agent_id: op.agentId, state: op.state, reason: op.reason, seat: op.seat, call_id: op.callId, at: op.at, wrap_until: op.wrapUntil ?? null })),
    recordings: firstPerFile(ops.filter((op): op is RecordingOp => op.op === 'recording')).map((op) => ({ call_id: op.callId, kind: op.kind, channel_id: op.channelId, file_path: op.filePath, started_at: op.startedAt })),
  };
  const { rows } = await client.query<{ event_id: string }>(`SELECT event_id FROM apply_call_timeline_batch($1::jsonb) AS event_id`, [JSON.stringify(batch)]);
  if (rows.length === 0) return;
  const orphans = new Set(rows.map((row) => row.event_id));
  for (const event of events.filter((candidate) => orphans.has(candidate.eventId))) {
    logger.error(`Timeline event ${event.type} ${event.eventId} names call ${event.callId}, which has no record; not written`);
  }
}

/**
 * The first registration of a file stands (a re-adopted call registers it again). One row per file goes to
 * the statement, which may take its rows in any order.
 */
function firstPerFile(recordings: RecordingOp[]): RecordingOp[] {
  const seen = new Set<string>();
  return recordings.filter((op) => !seen.has(op.filePath) && Boolean(seen.add(op.filePath)));
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
