import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supervision (issue 7). The org model has no groups, so a supervisor's scope is the queues (skills) they
 * supervise; their seat is the phone call-control rings for listen/whisper/barge/take-over. Every action is
 * audited in supervision_sessions: one row per mode segment (who, which call, which agent, mode, start,
 * end and why it ended), plus one-off rows for 强拆 (release) and forced agent states.
 */
export class CreateSupervision1796108913016 implements MigrationInterface {
  name = 'CreateSupervision1796108913016';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE supervisors (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        -- The supervisor's own phone (an ACD seat); NULL: they cannot listen in until one is given.
        seat_id text REFERENCES acd_seats (id),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE supervisor_skills (
        user_id uuid NOT NULL REFERENCES supervisors (user_id) ON DELETE CASCADE,
        skill text NOT NULL REFERENCES acd_skills (code),
        PRIMARY KEY (user_id, skill)
      )`);
    await queryRunner.query(`
      CREATE TABLE supervision_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- One supervisor leg on one call, across its mode switches; NULL for one-off actions.
        supervision_id uuid,
        call_id uuid REFERENCES calls (id),
        agent_id text,
        supervisor_user_id uuid NOT NULL REFERENCES users (id),
        supervisor text NOT NULL,
        seat text,
        mode text NOT NULL CHECK (mode IN ('listen', 'whisper', 'barge', 'take_over', 'release', 'agent_state')),
        -- For agent_state: the state forced (and reason).
        detail text,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        end_reason text,
        CHECK (ended_at IS NULL OR ended_at >= started_at)
      )`);
    await queryRunner.query(`CREATE INDEX supervision_sessions_call_idx ON supervision_sessions (call_id, started_at)`);
    await queryRunner.query(`CREATE INDEX supervision_sessions_supervisor_idx ON supervision_sessions (supervisor_user_id, started_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE supervision_sessions`);
    await queryRunner.query(`DROP TABLE supervisor_skills`);
    await queryRunner.query(`DROP TABLE supervisors`);
  }
}
