import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A call's recording row joins its write-behind batch: the row was a statement of its own per call (an INSERT
 * that waited for the call's row, then a round trip to Postgres), now it is written in the flush that writes
 * the call. The steps of 1796300000001 stay as they were, under a new name; the batch function runs them and
 * then the recordings, which reference the calls the steps have just written. Idempotent like every step: a
 * recording already registered (a re-adopted call, a flush repeated) is left as it is.
 */
export class TimelineBatchRecordings1796400000000 implements MigrationInterface {
  name = 'TimelineBatchRecordings1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER FUNCTION apply_call_timeline_batch(jsonb) RENAME TO apply_call_timeline_steps`);
    await queryRunner.query(`
      CREATE FUNCTION apply_call_timeline_batch(batch jsonb) RETURNS SETOF uuid LANGUAGE plpgsql AS $fn$
      BEGIN
        RETURN QUERY SELECT apply_call_timeline_steps(batch);
        -- The call's own op comes first in the list, so its row exists; were it missing, the call's events
        -- would be reported as orphans, and one bad recording must not fail everyone else's batch.
        IF jsonb_array_length(coalesce(batch->'recordings', '[]'::jsonb)) > 0 THEN
          INSERT INTO recordings (call_id, kind, channel_id, file_path, format, status, started_at)
          SELECT x.call_id, x.kind, x.channel_id, x.file_path, 'wav', 'recording', x.started_at
            FROM jsonb_to_recordset(batch->'recordings') AS x(call_id uuid, kind text, channel_id text, file_path text, started_at timestamptz)
           WHERE EXISTS (SELECT 1 FROM calls c WHERE c.id = x.call_id)
          ON CONFLICT (file_path) DO NOTHING;
        END IF;
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION apply_call_timeline_batch(jsonb)`);
    await queryRunner.query(`ALTER FUNCTION apply_call_timeline_steps(jsonb) RENAME TO apply_call_timeline_batch`);
  }
}
