import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

// Any fixed 64-bit key works; it only has to be the same for every process of this product.
const MIGRATION_LOCK_KEY = 1234512345;

/**
 * Runs pending migrations under a Postgres advisory lock, so api and call-control starting together
 * never apply the same migration twice.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const logger = new Logger('MigrationRunner');
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) logger.log(`Applied migration ${migration.name}`);
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    await runner.release();
  }
}
