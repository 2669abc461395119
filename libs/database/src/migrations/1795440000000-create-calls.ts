import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCalls1795440000000 implements MigrationInterface {
  name = 'CreateCalls1795440000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE calls (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_id text NOT NULL UNIQUE,
        direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        caller_number text,
        dialed_number text NOT NULL,
        status text NOT NULL CHECK (status IN ('ringing', 'answered', 'ended')),
        started_at timestamptz NOT NULL,
        answered_at timestamptz,
        ended_at timestamptz,
        hangup_cause integer,
        hangup_cause_text text,
        -- Last sequence number handed to this call's events; incremented atomically when an event is appended.
        last_sequence integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The call list is read newest first.
    await queryRunner.query(`CREATE INDEX calls_started_at_idx ON calls (started_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE calls`);
  }
}
