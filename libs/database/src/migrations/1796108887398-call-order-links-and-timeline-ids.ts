import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 5, call ↔ work order and the write-behind call timeline:
 * - call_events.event_id: the id call-control gives an event when it happens. The timeline writer flushes
 *   events in batches from a durable buffer and may flush one twice (a crash between the commit and the
 *   buffer trim, or a connection lost after the commit): the unique id makes the second write a no-op.
 * - work_order_calls (call_id): the call → orders direction (GET /api/calls/{id}); the primary key serves
 *   order → calls only.
 * - acd_queue_calls (agent_id, answered_at): an agent's call history (GET /api/calls?agentId=).
 * - call_order_drafts: the order the call was attached to automatically ('attached', with that order in
 *   work_order_id), beside the drafts that wait for an intake ('open').
 */
export class CallOrderLinksAndTimelineIds1796108887398 implements MigrationInterface {
  name = 'CallOrderLinksAndTimelineIds1796108887398';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`ALTER TABLE call_events ADD COLUMN event_id uuid`);
    await q(`CREATE UNIQUE INDEX call_events_event_id_key ON call_events (event_id)`);
    await q(`CREATE INDEX work_order_calls_call_idx ON work_order_calls (call_id)`);
    await q(`CREATE INDEX acd_queue_calls_agent_idx ON acd_queue_calls (agent_id, answered_at DESC) WHERE agent_id IS NOT NULL`);
    await q(`ALTER TABLE call_order_drafts DROP CONSTRAINT call_order_drafts_status_check`);
    await q(`ALTER TABLE call_order_drafts ADD CONSTRAINT call_order_drafts_status_check CHECK (status IN ('open', 'attached', 'submitted', 'discarded'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`DELETE FROM call_order_drafts WHERE status = 'attached'`);
    await q(`ALTER TABLE call_order_drafts DROP CONSTRAINT call_order_drafts_status_check`);
    await q(`ALTER TABLE call_order_drafts ADD CONSTRAINT call_order_drafts_status_check CHECK (status IN ('open', 'submitted', 'discarded'))`);
    await q(`DROP INDEX acd_queue_calls_agent_idx`);
    await q(`DROP INDEX work_order_calls_call_idx`);
    await q(`DROP INDEX call_events_event_id_key`);
    await q(`ALTER TABLE call_events DROP COLUMN event_id`);
  }
}
