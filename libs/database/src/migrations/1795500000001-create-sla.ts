import { MigrationInterface, QueryRunner } from 'typeorm';

/** SLA presets (versioned data, published from libs/sla at start) and the admin's calendar corrections. */
export class CreateSla1795500000001 implements MigrationInterface {
  name = 'CreateSla1795500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sla_presets (
        code text NOT NULL CHECK (code ~ '^[a-z0-9-]+$'),
        version integer NOT NULL CHECK (version > 0),
        name text NOT NULL,
        source text NOT NULL,
        rules jsonb NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (code, version)
      )`);
    // A published version is referenced by orders: it may be added to, never changed.
    await queryRunner.query(`
      CREATE FUNCTION sla_presets_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'sla_presets rows are immutable (% refused): publish a new version', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER sla_presets_immutable BEFORE UPDATE OR DELETE ON sla_presets
      FOR EACH ROW EXECUTE FUNCTION sla_presets_immutable()`);
    await queryRunner.query(`
      CREATE TABLE calendar_overrides (
        day date PRIMARY KEY,
        workday boolean NOT NULL,
        note text NOT NULL CHECK (length(note) > 0),
        updated_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE calendar_official_years (
        year integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2200),
        declared_by uuid,
        declared_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE calendar_official_years`);
    await queryRunner.query(`DROP TABLE calendar_overrides`);
    await queryRunner.query(`DROP TABLE sla_presets`);
    await queryRunner.query(`DROP FUNCTION sla_presets_immutable()`);
  }
}
