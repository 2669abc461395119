import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 全程录音: one row per recording file. The audio stays in the recordings store (RECORDINGS_DIR); the row
 * links it to its call and holds what proves it complete and unaltered: duration, size, SHA-256.
 */
export class CreateRecordings1795600000000 implements MigrationInterface {
  name = 'CreateRecordings1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE recordings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- RESTRICT: a call with recordings must not vanish silently (retention is a deliberate job).
        call_id uuid NOT NULL REFERENCES calls (id) ON DELETE RESTRICT,
        kind text NOT NULL CHECK (kind IN ('call', 'message')),
        channel_id text NOT NULL,
        -- Relative to the store; never absolute, never "..": the api resolves it under RECORDINGS_DIR.
        file_path text NOT NULL UNIQUE CHECK (file_path ~ '^[A-Za-z0-9_][A-Za-z0-9._/-]*\\.wav$' AND file_path NOT LIKE '%..%'),
        format text NOT NULL DEFAULT 'wav' CHECK (format = 'wav'),
        status text NOT NULL CHECK (status IN ('recording', 'finalised', 'missing')),
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        duration_ms integer CHECK (duration_ms >= 0),
        size_bytes bigint CHECK (size_bytes >= 0),
        sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT recordings_finalised_facts CHECK (status <> 'finalised' OR (duration_ms IS NOT NULL AND size_bytes IS NOT NULL AND sha256 IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX recordings_call_idx ON recordings (call_id, started_at)`);
    // call-control's restart sweep looks for rows left in 'recording'.
    await queryRunner.query(`CREATE INDEX recordings_open_idx ON recordings (status) WHERE status = 'recording'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE recordings`);
  }
}
