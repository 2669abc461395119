import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * call-control's write-behind flush as one function: a batch of call rows, row changes, timeline events, queue
 * records and agent-state lines is one statement, so one round trip, where BEGIN, up to eight statements and
 * COMMIT were ten. A statement is atomic on its own; statements inside see the rows written before them (a
 * call opened and answered in the same batch). Every step is idempotent, so a batch applied twice (a flush
 * repeated after a crash or a lost reply) leaves the record as once. Returns the events it could not write
 * because their call has no row, for the writer to report.
 */
export class TimelineBatchFunction1796300000001 implements MigrationInterface {
  name = 'TimelineBatchFunction1796300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION apply_call_timeline_batch(batch jsonb) RETURNS SETOF uuid LANGUAGE plpgsql AS $fn$
      BEGIN
        IF jsonb_array_length(batch->'calls') > 0 THEN
          INSERT INTO calls (id, channel_id, direction, caller_number, dialed_number, status, started_at, line_number, skill)
          SELECT x.id, x.channel_id, x.direction, x.caller_number, x.dialed_number, 'ringing', x.started_at, x.line_number, x.skill
            FROM jsonb_to_recordset(batch->'calls') AS x(id uuid, channel_id text, direction text, caller_number text, dialed_number text, started_at timestamptz, line_number text, skill text)
          ON CONFLICT DO NOTHING;
        END IF;

        -- An ended call stays ended (a late "answered" from a re-flush or a re-adoption changes nothing).
        IF jsonb_array_length(batch->'updates') > 0 THEN
          UPDATE calls c SET
            status = CASE WHEN c.status = 'ended' OR x.ended THEN 'ended' WHEN x.answered_at IS NOT NULL THEN 'answered' ELSE c.status END,
            answered_at = coalesce(c.answered_at, x.answered_at),
            ended_at = CASE WHEN c.status <> 'ended' AND x.ended THEN x.ended_at ELSE c.ended_at END,
            hangup_cause = CASE WHEN c.status <> 'ended' AND x.ended THEN x.hangup_cause ELSE c.hangup_cause END,
            hangup_cause_text = CASE WHEN c.status <> 'ended' AND x.ended THEN x.hangup_cause_text ELSE c.hangup_cause_text END,
            line_number = coalesce(x.line_number, c.line_number),
            skill = coalesce(x.skill, c.skill),
            tags = c.tags || x.tags,
            updated_at = now()
          FROM jsonb_to_recordset(batch->'updates') AS x(id uuid, answered_at timestamptz, ended boolean, ended_at timestamptz, hangup_cause integer, hangup_cause_text text, line_number text, skill text, tags jsonb)
          WHERE c.id = x.id;
        END IF;

        -- Sequences follow the batch order per call, after the call's last one; events already written are skipped.
        IF jsonb_array_length(batch->'events') > 0 THEN
          WITH fresh AS (
            SELECT b.* FROM jsonb_to_recordset(batch->'events') AS b(ord integer, event_id uuid, call_id uuid, type text, occurred_at timestamptz, payload jsonb)
             WHERE NOT EXISTS (SELECT 1 FROM call_events e WHERE e.event_id = b.event_id)
          ), counts AS (
            SELECT call_id, count(*)::integer AS n FROM fresh GROUP BY call_id
          ), bumped AS (
            UPDATE calls c SET last_sequence = c.last_sequence + counts.n, updated_at = now() FROM counts WHERE c.id = counts.call_id
            RETURNING c.id, c.last_sequence - counts.n AS base
          )
          INSERT INTO call_events (event_id, call_id, sequence, type, occurred_at, payload)
          SELECT f.event_id, f.call_id, bumped.base + row_number() OVER (PARTITION BY f.call_id ORDER BY f.ord), f.type, f.occurred_at, f.payload
            FROM fresh f JOIN bumped ON bumped.id = f.call_id;
        END IF;

        -- Entries before outcomes; an outcome is written once, so answered-then-left keeps "answered".
        IF jsonb_array_length(batch->'queued') > 0 THEN
          INSERT INTO acd_queue_calls (call_id, skill, priority, enqueued_at)
          SELECT x.call_id, x.skill, x.priority, x.at FROM jsonb_to_recordset(batch->'queued') AS x(call_id uuid, skill text, priority integer, at timestamptz)
          ON CONFLICT (call_id) DO NOTHING;
        END IF;
        IF jsonb_array_length(batch->'answered') > 0 THEN
          UPDATE acd_queue_calls q SET outcome = 'answered', agent_id = x.agent_id, final_skill = x.skill, answered_at = x.at, wait_ms = x.wait_ms, offers = x.offers
            FROM jsonb_to_recordset(batch->'answered') AS x(call_id uuid, agent_id text, skill text, at timestamptz, wait_ms integer, offers integer)
           WHERE q.call_id = x.call_id AND q.outcome IS NULL;
        END IF;
        IF jsonb_array_length(batch->'left') > 0 THEN
          UPDATE acd_queue_calls q SET outcome = x.outcome, final_skill = x.skill, ended_at = x.at, wait_ms = x.wait_ms, offers = x.offers
            FROM jsonb_to_recordset(batch->'left') AS x(call_id uuid, outcome text, skill text, at timestamptz, wait_ms integer, offers integer)
           WHERE q.call_id = x.call_id AND q.outcome IS NULL;
        END IF;

        -- In the order the states changed (the history is read newest id first).
        IF jsonb_array_length(batch->'agentStates') > 0 THEN
          INSERT INTO acd_agent_state_log (entry_id, agent_id, state, reason, seat, call_id, at, wrap_until)
          SELECT x.entry_id, x.agent_id, x.state, x.reason, x.seat, x.call_id, x.at, x.wrap_until
            FROM jsonb_to_recordset(batch->'agentStates') AS x(ord integer, entry_id uuid, agent_id text, state text, reason text, seat text, call_id uuid, at timestamptz, wrap_until timestamptz)
           ORDER BY x.ord
          ON CONFLICT (entry_id) DO NOTHING;
        END IF;

        -- What is still missing now was neither written before nor by this batch: its call has no row.
        RETURN QUERY
          SELECT b.event_id FROM jsonb_to_recordset(batch->'events') AS b(event_id uuid)
           WHERE NOT EXISTS (SELECT 1 FROM call_events e WHERE e.event_id = b.event_id);
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION apply_call_timeline_batch(jsonb)`);
  }
}
