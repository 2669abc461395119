import { MigrationInterface, QueryRunner } from 'typeorm';

/** Handling units as a tree (city → district → bureau or street office), and the people who log in. */
export class CreateOrg1795500000000 implements MigrationInterface {
  name = 'CreateOrg1795500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE units (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9.-]*$'),
        name text NOT NULL CHECK (length(name) > 0),
        kind text NOT NULL CHECK (kind IN ('centre', 'management', 'city', 'district', 'bureau', 'street', 'utility')),
        parent_id uuid REFERENCES units (id),
        -- GB/T 2260 administrative division code of the territory the unit answers for (属地管理).
        region_code text CHECK (region_code ~ '^[0-9]{6}$'),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (parent_id IS DISTINCT FROM id)
      )`);
    await queryRunner.query(`CREATE INDEX units_parent_idx ON units (parent_id)`);
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
        display_name text NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL CHECK (
          cardinality(roles) > 0
          AND roles <@ ARRAY['agent', 'supervisor', 'quality', 'reviewer', 'unit_handler', 'unit_admin', 'admin']::text[]
        ),
        unit_id uuid NOT NULL REFERENCES units (id),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX users_unit_idx ON users (unit_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE users`);
    await queryRunner.query(`DROP TABLE units`);
  }
}
