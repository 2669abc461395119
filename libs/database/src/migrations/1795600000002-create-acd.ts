import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ACD's lasting records. Live state (who is ready, who waits in which order) is in Redis; Postgres
 * keeps what must survive and be reported: agents, their skills and seats, every state change, every
 * queued call's outcome (service level, answer and abandonment rates), callbacks and the call ↔ order drafts.
 */
export class CreateAcd1795600000002 implements MigrationInterface {
  name = 'CreateAcd1795600000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    // A seat is a PJSIP endpoint (a desk phone or softphone); call-control generates pjsip config from these.
    await q(`
      CREATE TABLE acd_seats (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
        name text NOT NULL,
        -- A fixed phone: where to send INVITEs. NULL: the phone registers (with the seat's own credentials).
        contact_uri text CHECK (contact_uri ~ '^sips?:[A-Za-z0-9._~%!$&''()*+,;=:@-]+$'),
        -- md5(seat:asterisk:password) for registering phones; never the password itself.
        md5_credential text CHECK (md5_credential ~ '^[0-9a-f]{32}$'),
        active boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (contact_uri IS NOT NULL OR md5_credential IS NOT NULL)
      )`);
    await q(`
      CREATE TABLE acd_agents (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
        name text NOT NULL,
        -- The login of the person (libs/org users), when the agent uses the web desktop.
        user_id uuid UNIQUE REFERENCES users (id),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q(`
      CREATE TABLE acd_agent_skills (
        agent_id text NOT NULL REFERENCES acd_agents (id) ON DELETE CASCADE,
        skill text NOT NULL REFERENCES acd_skills (code),
        level integer NOT NULL CHECK (level BETWEEN 1 AND 10),
        PRIMARY KEY (agent_id, skill)
      )`);
    // Append-only history of agent states: occupancy, not-ready reasons and RONA counts come from here.
    await q(`
      CREATE TABLE acd_agent_state_log (
        id bigserial PRIMARY KEY,
        agent_id text NOT NULL REFERENCES acd_agents (id),
        state text NOT NULL CHECK (state IN ('logged_out', 'ready', 'not_ready', 'ringing', 'on_call', 'wrap_up')),
        reason text,
        seat text,
        call_id uuid,
        at timestamptz NOT NULL
      )`);
    await q(`CREATE INDEX acd_agent_state_log_agent_idx ON acd_agent_state_log (agent_id, at DESC)`);
    // One row per call that entered a queue: the basis of service level, answer and abandonment rates.
    await q(`
      CREATE TABLE acd_queue_calls (
        call_id uuid PRIMARY KEY REFERENCES calls (id),
        skill text NOT NULL REFERENCES acd_skills (code),
        priority integer NOT NULL,
        enqueued_at timestamptz NOT NULL,
        outcome text CHECK (outcome IN ('answered', 'abandoned', 'callback', 'transferred')),
        agent_id text REFERENCES acd_agents (id),
        answered_at timestamptz,
        ended_at timestamptz,
        wait_ms integer,
        offers integer NOT NULL DEFAULT 0,
        final_skill text REFERENCES acd_skills (code)
      )`);
    await q(`CREATE INDEX acd_queue_calls_skill_day_idx ON acd_queue_calls (skill, enqueued_at)`);
    // Callbacks: asked for by the caller (keeps their place) or queued automatically after abandonment.
    await q(`
      CREATE TABLE acd_callbacks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        origin_call_id uuid REFERENCES calls (id),
        number text NOT NULL CHECK (number ~ '^[0-9+]{3,20}$'),
        skill text NOT NULL REFERENCES acd_skills (code),
        reason text NOT NULL CHECK (reason IN ('abandoned', 'requested', 'manual')),
        status text NOT NULL CHECK (status IN ('queued', 'dialling', 'connected', 'failed', 'cancelled')),
        -- The queue position is that of this instant (the original call's arrival for 'requested').
        rank_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        agent_id text REFERENCES acd_agents (id),
        callback_call_id uuid REFERENCES calls (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q(`CREATE INDEX acd_callbacks_open_idx ON acd_callbacks (skill, rank_at) WHERE status IN ('queued', 'dialling')`);
    // The call side of the call ↔ work order link. When an agent answers, a draft is opened here with the
    // caller's open order (if any) as the suggestion; the agent desktop turns it into an intake with this
    // call id (work_orders' work_order_calls) or links the call to the suggested order.
    await q(`
      CREATE TABLE call_order_drafts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        call_id uuid NOT NULL REFERENCES calls (id),
        kind text NOT NULL CHECK (kind IN ('call', 'voice_message')),
        caller_number text,
        line_tag text,
        agent_id text REFERENCES acd_agents (id),
        open_order_id uuid REFERENCES work_orders (id),
        recording_id uuid REFERENCES recordings (id),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'discarded')),
        work_order_id uuid REFERENCES work_orders (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (call_id, kind)
      )`);
    await q(`CREATE INDEX call_order_drafts_open_idx ON call_order_drafts (created_at DESC) WHERE status = 'open'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['call_order_drafts', 'acd_callbacks', 'acd_queue_calls', 'acd_agent_state_log', 'acd_agent_skills', 'acd_agents', 'acd_seats']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
