import { MigrationInterface, QueryRunner } from 'typeorm';

/** Handling units' duty lines and utilities the centre hands callers to (seed; admins edit the list over the API). */
const UNIT_DESTINATIONS: Array<[string, string]> = [
  ['96116', '供水服务热线'],
  ['962777', '燃气服务热线'],
];

/**
 * Agent transfers (issue 7). The IVR's allow-list (ivr_transfer_destinations) becomes the one allow-list
 * for every transfer: each entry gets an id (what the browser names), a kind (emergency lines are never
 * refused), a ring timeout, and the handling unit it belongs to. call_transfers is the trail of each
 * transfer of a call (destination, times, outcome); orders show it through work_order_calls.
 */
export class CreateCallTransfers1796108880249 implements MigrationInterface {
  name = 'CreateCallTransfers1796108880249';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string, parameters?: unknown[]) => queryRunner.query(sql, parameters);
    await q(`
      ALTER TABLE ivr_transfer_destinations
        ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
        ADD COLUMN kind text NOT NULL DEFAULT 'unit' CHECK (kind IN ('emergency', 'unit')),
        ADD COLUMN unit_id uuid REFERENCES units (id),
        ADD COLUMN ring_timeout_seconds integer NOT NULL DEFAULT 30 CHECK (ring_timeout_seconds BETWEEN 5 AND 120),
        ADD COLUMN updated_by text,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        -- What reaches a dial string: digits only, 3 to 15 (E.164 length), nothing Asterisk could read as syntax.
        ADD CONSTRAINT ivr_transfer_destinations_dialable CHECK (number ~ '^[0-9]{3,15}$')`);
    await q(`UPDATE ivr_transfer_destinations SET kind = 'emergency' WHERE number IN ('110', '119', '120', '122')`);
    for (const [number, name] of UNIT_DESTINATIONS) {
      await q(`INSERT INTO ivr_transfer_destinations (number, name, kind) VALUES ($1, $2, 'unit') ON CONFLICT (number) DO NOTHING`, [number, name]);
    }
    await q(`
      CREATE TABLE call_transfers (
        id uuid PRIMARY KEY,
        call_id uuid NOT NULL REFERENCES calls (id),
        destination_id uuid REFERENCES ivr_transfer_destinations (id) ON DELETE SET NULL,
        -- Copied: the trail keeps what was dialled even if the allow-list entry changes later.
        destination_number text NOT NULL CHECK (destination_number ~ '^[0-9]{3,15}$'),
        destination_name text NOT NULL,
        emergency boolean NOT NULL,
        mode text NOT NULL CHECK (mode IN ('warm', 'blind', 'ivr')),
        agent_id text,
        requested_by text NOT NULL,
        state text NOT NULL CHECK (state IN ('dialling', 'consulting', 'conference', 'ended')),
        outcome text CHECK (outcome IN ('completed', 'cancelled', 'busy', 'no_answer', 'failed', 'caller_left', 'destination_left')),
        hangup_cause integer,
        started_at timestamptz NOT NULL,
        answered_at timestamptz,
        conference_at timestamptz,
        ended_at timestamptz,
        CHECK ((state = 'ended') = (outcome IS NOT NULL AND ended_at IS NOT NULL))
      )`);
    await q(`CREATE INDEX call_transfers_call_idx ON call_transfers (call_id, started_at)`);
    // One transfer at a time per call: a second request while one is open is refused by the database too.
    await q(`CREATE UNIQUE INDEX call_transfers_one_open_idx ON call_transfers (call_id) WHERE state <> 'ended'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string, parameters?: unknown[]) => queryRunner.query(sql, parameters);
    await q(`DROP TABLE call_transfers`);
    await q(`DELETE FROM ivr_transfer_destinations WHERE number = ANY($1)`, [UNIT_DESTINATIONS.map(([number]) => number)]);
    await q(`
      ALTER TABLE ivr_transfer_destinations
        DROP CONSTRAINT ivr_transfer_destinations_dialable,
        DROP COLUMN updated_at,
        DROP COLUMN updated_by,
        DROP COLUMN ring_timeout_seconds,
        DROP COLUMN unit_id,
        DROP COLUMN kind,
        DROP COLUMN id`);
  }
}
