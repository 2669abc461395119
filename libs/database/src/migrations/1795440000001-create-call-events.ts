import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCallEvents1795440000001 implements MigrationInterface {
  name = 'CreateCallEvents1795440000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE call_events (
        id bigserial PRIMARY KEY,
        call_id uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        sequence integer NOT NULL CHECK (sequence > 0),
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        payload jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT call_events_call_sequence_key UNIQUE (call_id, sequence)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE call_events`);
  }
}
