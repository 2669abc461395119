import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A unit's work-order list merges the orders it leads (work_orders_unit_received_idx) with the few it
 * co-handles; without this index the latter meant reading every active assignment of the unit
 * (p95 87 ms at 1,000,000 orders, 1.5 ms with it: bench/README.md).
 */
export class IndexCoAssignments1795500000003 implements MigrationInterface {
  name = 'IndexCoAssignments1795500000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX work_order_assignments_co_idx ON work_order_assignments (unit_id, order_id) WHERE active AND role = 'co'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX work_order_assignments_co_idx`);
  }
}
