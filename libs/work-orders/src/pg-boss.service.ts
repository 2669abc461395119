import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import PgBoss from 'pg-boss';
import { WORK_ORDER_TIMER_QUEUE } from './work-order-timer';

/**
 * Owns the pg-boss instance (durable jobs in Postgres). pg-boss is pinned to 10.x: 11+ is ESM-only, which
 * Node 24 can require() but jest 30's module runtime cannot without --experimental-vm-modules, and the
 * integration tests must load the real thing. Everything else talks to this adapter, so moving to a newer
 * major is a change here.
 */
@Injectable()
export class PgBossService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PgBossService.name);
  private instance: PgBoss | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.config.DATABASE_URL,
      schema: this.config.PGBOSS_SCHEMA,
      application_name: 'hotline12345-jobs',
      max: 4,
      // No cron schedules are used; the clock monitor would only cost queries.
      schedule: false,
      maintenanceIntervalSeconds: this.config.TIMER_MAINTENANCE_SECONDS,
    });
    boss.on('error', (error: Error) => this.logger.error(`pg-boss: ${error.message}`, error.stack));
    await boss.start();
    // Retries with backoff: a timer that fails (database hiccup) must still fire, later.
    await boss.createQueue(WORK_ORDER_TIMER_QUEUE, {
      name: WORK_ORDER_TIMER_QUEUE,
      retryLimit: 10,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: this.config.TIMER_JOB_EXPIRE_SECONDS,
    });
    this.instance = boss;
    this.logger.log(`pg-boss started (schema ${this.config.PGBOSS_SCHEMA})`);
  }

  boss(): PgBoss {
    if (!this.instance) throw new Error('pg-boss used before it started');
    return this.instance;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.instance) return;
    // Graceful: let a running timer finish so it is acknowledged rather than retried.
    await this.instance.stop({ graceful: true, timeout: 10_000, wait: true });
    this.instance = null;
  }
}
