import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agent state history is written behind the ACD by call-control's timeline writer (from a durable Redis
 * buffer, possibly twice after a crash): the id given when the state changed makes the second write a no-op.
 */
export class AgentStateEntryIds1796110393659 implements MigrationInterface {
  name = 'AgentStateEntryIds1796110393659';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE acd_agent_state_log ADD COLUMN entry_id uuid`);
    await queryRunner.query(`CREATE UNIQUE INDEX acd_agent_state_log_entry_id_key ON acd_agent_state_log (entry_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX acd_agent_state_log_entry_id_key`);
    await queryRunner.query(`ALTER TABLE acd_agent_state_log DROP COLUMN entry_id`);
  }
}
