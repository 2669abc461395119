import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Satisfaction surveys (回访, 好差评): one survey per order and rating round, its attempts per channel, the
 * SMS parts with their SMSC ids and receipts, every inbound SMS (MO) with what became of it, opt-outs, and
 * the quality staff's follow-up tasks after a dissatisfied rating. The ratings themselves stay in
 * work_order_ratings, written by the work-order lifecycle.
 */
export class CreateSurveys1795700000001 implements MigrationInterface {
  name = 'CreateSurveys1795700000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`
      CREATE TABLE surveys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES work_orders (id),
        round integer NOT NULL CHECK (round > 0),
        preset_code text NOT NULL,
        phone text,
        status text NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'rated', 'skipped', 'exhausted', 'superseded')),
        skip_reason text,
        -- The scale's levels in digit order (1 = the first) as the citizen was asked, so a reply maps to
        -- the level it meant even if the preset changes meanwhile.
        rating_levels text[] NOT NULL,
        channel_plan text[] NOT NULL,
        attempt_count integer NOT NULL DEFAULT 0,
        first_attempt_at timestamptz NOT NULL,
        rated_level text,
        rated_channel text,
        created_at timestamptz NOT NULL,
        finished_at timestamptz,
        UNIQUE (order_id, round)
      )`);
    // MO replies are matched by the caller's number to the open survey that asked by SMS.
    await q(`CREATE INDEX surveys_open_phone_idx ON surveys (phone) WHERE status IN ('scheduled', 'in_progress')`);
    await q(`
      CREATE TABLE survey_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        survey_id uuid NOT NULL REFERENCES surveys (id),
        attempt_no integer NOT NULL CHECK (attempt_no > 0),
        channel text NOT NULL CHECK (channel IN ('voice', 'sms')),
        status text NOT NULL CHECK (status IN ('sending', 'retrying', 'sent', 'dialing', 'answered', 'no_answer', 'busy', 'failed', 'unknown')),
        destination text NOT NULL,
        error text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        UNIQUE (survey_id, attempt_no)
      )`);
    await q(`CREATE INDEX survey_attempts_dialing_idx ON survey_attempts (started_at) WHERE channel = 'voice' AND status = 'dialing'`);
    await q(`
      CREATE TABLE sms_messages (
        id bigserial PRIMARY KEY,
        attempt_id uuid NOT NULL REFERENCES survey_attempts (id),
        part integer NOT NULL,
        parts integer NOT NULL,
        smsc_message_id text NOT NULL,
        submitted_at timestamptz NOT NULL,
        receipt_status text,
        receipt_error text,
        receipt_at timestamptz,
        UNIQUE (attempt_id, part)
      )`);
    await q(`CREATE INDEX sms_messages_smsc_id_idx ON sms_messages (smsc_message_id)`);
    await q(`
      CREATE TABLE sms_inbound (
        id bigserial PRIMARY KEY,
        source text NOT NULL,
        destination text NOT NULL,
        text text NOT NULL,
        received_at timestamptz NOT NULL,
        survey_id uuid REFERENCES surveys (id),
        outcome text NOT NULL
      )`);
    await q(`
      CREATE TABLE survey_opt_outs (
        phone text PRIMARY KEY,
        opted_out_at timestamptz NOT NULL,
        source text NOT NULL
      )`);
    await q(`
      CREATE TABLE survey_follow_ups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES work_orders (id),
        round integer NOT NULL,
        rating_level text NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'classified')),
        cause text CHECK (cause IN ('policy', 'objective', 'handling')),
        notes text,
        classified_by uuid REFERENCES users (id),
        classified_at timestamptz,
        created_at timestamptz NOT NULL,
        UNIQUE (order_id, round)
      )`);
    await q(`CREATE INDEX survey_follow_ups_open_idx ON survey_follow_ups (created_at) WHERE status = 'open'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['survey_follow_ups', 'survey_opt_outs', 'sms_inbound', 'sms_messages', 'survey_attempts', 'surveys']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
