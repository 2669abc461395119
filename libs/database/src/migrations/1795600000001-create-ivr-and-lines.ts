import { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_IVR_FLOW_V1 } from '@hotline/ivr';

/**
 * Call-control configuration as data: skills (one ACD queue each, with its settings), the lines callers
 * dial (12345 and the integrated hotlines of the Baoji plan, seed 001), versioned IVR flows, the centre's
 * caller lists (elderly, VIP, blocked) and the external numbers a flow may transfer to.
 */
const SKILLS: Array<[code: string, name: string]> = [
  ['general', '综合受理'],
  ['consumer', '消费维权 (12315)'],
  ['environment', '生态环境 (12369)'],
  ['social-security', '人力资源和社会保障 (12333)'],
  ['transport', '交通运输 (12328)'],
  ['health', '卫生健康 (12320)'],
  ['legal-aid', '法律援助 (12348)'],
];

/** [number, name, skill, mode]: 整合 lines are merged into 12345, 双轨运行 ones keep their own number too. */
const LINES: Array<[string, string, string, 'primary' | 'integrated' | 'dual_track']> = [
  ['12345', '12345政务服务便民热线', 'general', 'primary'],
  ['12315', '消费投诉举报热线', 'consumer', 'dual_track'],
  ['12369', '环保举报热线', 'environment', 'dual_track'],
  ['12333', '人力资源和社会保障热线', 'social-security', 'dual_track'],
  ['12328', '交通服务热线', 'transport', 'dual_track'],
  ['12320', '卫生热线', 'health', 'integrated'],
  ['12348', '法律援助热线', 'legal-aid', 'dual_track'],
];

/** Emergencies are transferred at once, never refused (domain.md): the only destinations allowed at first. */
const TRANSFER_DESTINATIONS: Array<[string, string]> = [
  ['110', '公安报警'],
  ['119', '消防'],
  ['120', '医疗急救'],
  ['122', '交通事故'],
];

export class CreateIvrAndLines1795600000001 implements MigrationInterface {
  name = 'CreateIvrAndLines1795600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string, parameters?: unknown[]) => queryRunner.query(sql, parameters);
    await q(`
      CREATE TABLE acd_skills (
        code text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
        name text NOT NULL,
        -- Queue settings of the skill's queue.
        ring_timeout_seconds integer NOT NULL DEFAULT 15 CHECK (ring_timeout_seconds BETWEEN 5 AND 120),
        wrap_up_seconds integer NOT NULL DEFAULT 10 CHECK (wrap_up_seconds BETWEEN 0 AND 600),
        announce_every_seconds integer NOT NULL DEFAULT 30 CHECK (announce_every_seconds BETWEEN 10 AND 600),
        max_wait_seconds integer NOT NULL DEFAULT 300 CHECK (max_wait_seconds BETWEEN 10 AND 3600),
        -- After max wait: move to this skill's queue (keeping the caller's place), else offer a callback.
        overflow_skill text REFERENCES acd_skills (code),
        callback_offer boolean NOT NULL DEFAULT true,
        -- Service level: answered within this many seconds (15 s by the centre's target).
        service_level_seconds integer NOT NULL DEFAULT 15 CHECK (service_level_seconds BETWEEN 1 AND 600),
        -- Agents below this level of the skill are not offered its calls.
        min_level integer NOT NULL DEFAULT 1 CHECK (min_level BETWEEN 1 AND 10),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (overflow_skill IS NULL OR overflow_skill <> code)
      )`);
    for (const [code, name] of SKILLS) await q(`INSERT INTO acd_skills (code, name) VALUES ($1, $2)`, [code, name]);

    await q(`
      CREATE TABLE ivr_flows (
        name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
        published_version integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Versions are immutable once written: an edit is a new version; rollback publishes an old one again.
    await q(`
      CREATE TABLE ivr_flow_versions (
        flow_name text NOT NULL REFERENCES ivr_flows (name),
        version integer NOT NULL CHECK (version > 0),
        document jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (flow_name, version)
      )`);
    await q(`ALTER TABLE ivr_flows ADD CONSTRAINT ivr_flows_published_fk FOREIGN KEY (name, published_version) REFERENCES ivr_flow_versions (flow_name, version) DEFERRABLE INITIALLY DEFERRED`);
    // Who published what, when: the audit of every publish and rollback.
    await q(`
      CREATE TABLE ivr_flow_publications (
        id bigserial PRIMARY KEY,
        flow_name text NOT NULL REFERENCES ivr_flows (name),
        version integer NOT NULL,
        action text NOT NULL CHECK (action IN ('publish', 'rollback')),
        published_by text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (flow_name, version) REFERENCES ivr_flow_versions (flow_name, version)
      )`);
    await q(`INSERT INTO ivr_flows (name, published_version) VALUES ('default', 1)`);
    await q(`INSERT INTO ivr_flow_versions (flow_name, version, document, created_by) VALUES ('default', 1, $1, 'migration')`, [JSON.stringify(DEFAULT_IVR_FLOW_V1)]);
    await q(`INSERT INTO ivr_flow_publications (flow_name, version, action, published_by) VALUES ('default', 1, 'publish', 'migration')`);

    await q(`
      CREATE TABLE hotline_lines (
        number text PRIMARY KEY CHECK (number ~ '^[0-9]{3,8}$'),
        name text NOT NULL,
        skill text NOT NULL REFERENCES acd_skills (code),
        flow_name text NOT NULL REFERENCES ivr_flows (name) DEFAULT 'default',
        -- Added to every caller's priority on this line (e.g. a line for emergencies-adjacent matters).
        priority_weight integer NOT NULL DEFAULT 0 CHECK (priority_weight BETWEEN 0 AND 100),
        mode text NOT NULL CHECK (mode IN ('primary', 'integrated', 'dual_track')),
        active boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const [number, name, skill, mode] of LINES) {
      await q(`INSERT INTO hotline_lines (number, name, skill, mode) VALUES ($1, $2, $3, $4)`, [number, name, skill, mode]);
    }

    await q(`
      CREATE TABLE caller_lists (
        list text NOT NULL CHECK (list IN ('elderly', 'vip', 'blocked')),
        number text NOT NULL CHECK (number ~ '^[0-9+]{3,20}$'),
        note text,
        added_by text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (list, number)
      )`);
    await q(`CREATE INDEX caller_lists_number_idx ON caller_lists (number)`);

    await q(`
      CREATE TABLE ivr_transfer_destinations (
        number text PRIMARY KEY CHECK (number ~ '^[0-9]{3,20}$'),
        name text NOT NULL,
        active boolean NOT NULL DEFAULT true
      )`);
    for (const [number, name] of TRANSFER_DESTINATIONS) await q(`INSERT INTO ivr_transfer_destinations (number, name) VALUES ($1, $2)`, [number, name]);

    // The call knows its line (DNIS), the skill it was routed to, the IVR's tags and variables.
    await q(`ALTER TABLE calls ADD COLUMN line_number text, ADD COLUMN skill text, ADD COLUMN tags jsonb NOT NULL DEFAULT '{}'::jsonb`);
    // Repeat-caller checks count a number's recent calls.
    await q(`CREATE INDEX calls_caller_started_idx ON calls (caller_number, started_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX calls_caller_started_idx`);
    await queryRunner.query(`ALTER TABLE calls DROP COLUMN line_number, DROP COLUMN skill, DROP COLUMN tags`);
    for (const table of ['ivr_transfer_destinations', 'caller_lists', 'hotline_lines', 'ivr_flow_publications']) await queryRunner.query(`DROP TABLE ${table}`);
    await queryRunner.query(`ALTER TABLE ivr_flows DROP CONSTRAINT ivr_flows_published_fk`);
    for (const table of ['ivr_flow_versions', 'ivr_flows', 'acd_skills']) await queryRunner.query(`DROP TABLE ${table}`);
  }
}
