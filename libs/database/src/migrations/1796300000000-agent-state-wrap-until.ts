import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When an agent's wrap-up ends, as call-control decided it (the call's queue setting at hang-up time): a
 * desktop reloaded during wrap-up counts down from the record instead of guessing the queue.
 */
export class AgentStateWrapUntil1796300000000 implements MigrationInterface {
  name = 'AgentStateWrapUntil1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE acd_agent_state_log ADD COLUMN wrap_until timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE acd_agent_state_log DROP COLUMN wrap_until`);
  }
}
