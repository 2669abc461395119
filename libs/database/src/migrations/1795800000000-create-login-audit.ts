import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login lockouts, kept as evidence of password guessing (who was targeted, from where, when). Append-only
 * like the other audit tables; only the retention job may delete old rows (1795800000001).
 */
export class CreateLoginAudit1795800000000 implements MigrationInterface {
  name = 'CreateLoginAudit1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE login_audit (
        id bigserial PRIMARY KEY,
        event text NOT NULL CHECK (event IN ('lockout')),
        -- What was locked: the username tried, or the client address it came from.
        scope text NOT NULL CHECK (scope IN ('username', 'ip')),
        username text NOT NULL,
        client_ip text NOT NULL,
        failures integer NOT NULL CHECK (failures > 0),
        locked_until timestamptz NOT NULL,
        at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX login_audit_at_idx ON login_audit (at)`);
    await queryRunner.query(`CREATE INDEX login_audit_username_idx ON login_audit (username, at DESC)`);
    await queryRunner.query(
      `CREATE TRIGGER login_audit_append_only BEFORE UPDATE OR DELETE ON login_audit FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER login_audit_no_truncate BEFORE TRUNCATE ON login_audit FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE login_audit`);
  }
}
