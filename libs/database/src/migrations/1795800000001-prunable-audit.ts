import { MigrationInterface, QueryRunner } from 'typeorm';

/** Audit tables the retention job prunes, with the column that dates each row. */
export const PRUNABLE_AUDIT_TABLES = [
  { table: 'sensitive_read_audit', column: 'read_at' },
  { table: 'login_audit', column: 'at' },
] as const;

/**
 * Audit tables stay append-only, except that rows older than the retention window may be deleted, and only
 * by a transaction that declares its cutoff (`SET LOCAL hotline.audit_prune_cutoff`). The database itself
 * refuses a cutoff younger than 184 days (网络安全法 art. 21: logs kept 不少于六个月), so neither a bad
 * setting nor a stray DELETE can shorten the legal minimum.
 */
export class PrunableAudit1795800000001 implements MigrationInterface {
  name = 'PrunableAudit1795800000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION refuse_delete_inside_retention() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        cutoff timestamptz := nullif(current_setting('hotline.audit_prune_cutoff', true), '')::timestamptz;
        dated timestamptz := (to_jsonb(OLD) ->> TG_ARGV[0])::timestamptz;
      BEGIN
        IF cutoff IS NULL OR cutoff > now() - interval '184 days' OR dated IS NULL OR dated >= cutoff THEN
          RAISE EXCEPTION '% is append-only: only rows older than the retention window may be pruned', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
      END $$`);
    for (const { table, column } of PRUNABLE_AUDIT_TABLES) {
      await queryRunner.query(`DROP TRIGGER ${table}_append_only ON ${table}`);
      await queryRunner.query(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only()`);
      await queryRunner.query(
        `CREATE TRIGGER ${table}_prune_only BEFORE DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_delete_inside_retention('${column}')`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const { table } of PRUNABLE_AUDIT_TABLES) {
      await queryRunner.query(`DROP TRIGGER ${table}_prune_only ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_no_update ON ${table}`);
      await queryRunner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only()`,
      );
    }
    await queryRunner.query(`DROP FUNCTION refuse_delete_inside_retention()`);
  }
}
