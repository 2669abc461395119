import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@hotline/config';

/** Audit tables pruned by age, with the column that dates each row (see migration 1795800000001). */
export const AUDIT_TABLES: readonly { table: string; column: string }[] = [
  { table: 'sensitive_read_audit', column: 'read_at' },
  { table: 'login_audit', column: 'at' },
  { table: 'recording_access_audit', column: 'read_at' },
];

/** Rows per DELETE: keeps each transaction and its locks short on a large table. */
const BATCH = 5_000;

export interface PruneResult {
  table: string;
  deleted: number;
}

/**
 * Deletes audit rows older than AUDIT_RETENTION_DAYS. The cutoff is computed by the database (its clock,
 * not this host's) and declared to the tables' trigger, which refuses any row inside the window and any
 * cutoff younger than 184 days; so even a bug here cannot delete what the law says to keep.
 */
@Injectable()
export class AuditRetentionService {
  private readonly logger = new Logger(AuditRetentionService.name);

  constructor(private readonly dataSource: DataSource, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async prune(retentionDays = this.config.AUDIT_RETENTION_DAYS): Promise<PruneResult[]> {
    const results: PruneResult[] = [];
    for (const { table, column } of AUDIT_TABLES) {
      let deleted = 0;
      for (;;) {
        const batch = await this.dataSource.transaction(async (manager) => {
          await manager.query(`SELECT set_config('hotline.audit_prune_cutoff', (now() - make_interval(days => $1))::text, true)`, [retentionDays]);
          // Counted in SQL: TypeORM answers a bare DELETE ... RETURNING with [rows, rowCount], not rows.
          const [{ deleted: count }]: { deleted: number }[] = await manager.query(
            `WITH pruned AS (
               DELETE FROM ${table} WHERE id IN (
                 SELECT id FROM ${table} WHERE ${column} < current_setting('hotline.audit_prune_cutoff')::timestamptz LIMIT ${BATCH}
               ) RETURNING id
             ) SELECT count(*)::int AS deleted FROM pruned`,
          );
          return count;
        });
        deleted += batch;
        if (batch < BATCH) break;
      }
      if (deleted > 0) this.logger.log(`Pruned ${deleted} rows older than ${retentionDays} days from ${table}`);
      results.push({ table, deleted });
    }
    return results;
  }
}

/**
 * Runs the pruning at start and then every AUDIT_PRUNE_INTERVAL_MINUTES (0: never, e.g. when another
 * instance does it). Several instances pruning at once is harmless: each deletes only what is past the window.
 */
@Injectable()
export class AuditRetentionScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditRetentionScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly retention: AuditRetentionService, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.AUDIT_PRUNE_INTERVAL_MINUTES;
    if (minutes === 0) return;
    this.runOnce();
    this.timer = setInterval(() => this.runOnce(), minutes * 60_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private runOnce(): void {
    if (this.running) return;
    // A failed run is logged with its cause and retried at the next interval; it must not stop the api.
    this.running = this.retention
      .prune()
      .then(
        () => undefined,
        (error: unknown) => this.logger.error(`Audit pruning failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      )
      .finally(() => (this.running = undefined));
  }
}
