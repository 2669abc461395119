import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who listened to which citizen's call, and when: a recording is personal data, so every audio read is
 * evidence (网络安全法 art. 21). Append-only like the other audit tables; only the retention job may delete
 * rows older than the window (the trigger function of 1795800000001 enforces the 184-day floor).
 */
export class CreateRecordingAccessAudit1796108798490 implements MigrationInterface {
  name = 'CreateRecordingAccessAudit1796108798490';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE recording_access_audit (
        id bigserial PRIMARY KEY,
        recording_id uuid NOT NULL REFERENCES recordings (id),
        call_id uuid NOT NULL,
        -- Null only for the system itself; the username is kept too, so the row reads without a join.
        user_id uuid REFERENCES users (id),
        username text NOT NULL,
        -- The HTTP Range asked for (a player seeking reads the file in pieces); null: the whole file.
        byte_range text,
        read_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX recording_access_audit_read_at_idx ON recording_access_audit (read_at)`);
    await queryRunner.query(`CREATE INDEX recording_access_audit_recording_idx ON recording_access_audit (recording_id, read_at DESC)`);
    await queryRunner.query(
      `CREATE TRIGGER recording_access_audit_no_update BEFORE UPDATE ON recording_access_audit FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER recording_access_audit_no_truncate BEFORE TRUNCATE ON recording_access_audit FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER recording_access_audit_prune_only BEFORE DELETE ON recording_access_audit FOR EACH ROW EXECUTE FUNCTION refuse_delete_inside_retention('read_at')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE recording_access_audit`);
  }
}
