import { APP_FILTER } from '@nestjs/core';
import { DomainErrorFilter } from '../../apps/api/src/http/domain-error.filter';
import { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppConfig, appConfigSchema, ConfigModule, loadConfig } from '@hotline/config';
import { DatabaseModule } from '@hotline/database';
import { RedisModule } from '@hotline/redis';
import { CLOCK } from '@hotline/common';
import { FixedClock } from '@hotline/sla';
import { Actor, Role } from '@hotline/org';
import { DataSource } from 'typeorm';
import { randomBytes } from 'node:crypto';
import { seedDemoData } from '@hotline/auth';
import { TIMER_WORKER_OPTIONS, TimerWorkerOptions } from '@hotline/work-orders';
import { TestDatabase } from './test-database';
import { testEnvironment } from './test-environment';

export interface WorkOrdersHarness {
  app: INestApplication;
  dataSource: DataSource;
  clock: FixedClock;
  config: AppConfig;
  close(): Promise<void>;
}

export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): AppConfig {
  return loadConfig(appConfigSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_URL: testEnvironment.TEST_REDIS_URL,
    // A prefix per run: rate-limit counters of parallel test files never meet.
    REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    ARI_URL: 'http://127.0.0.1:8088',
    ARI_USERNAME: 'test',
    ARI_PASSWORD: 'test-password-123',
    AMI_USERNAME: 'test',
    AMI_PASSWORD: 'test-password-123',
    SLA_PRESET: 'ningxia-2025',
    ...overrides,
  });
}

/**
 * A Nest application with the work-order contexts on a throw-away database and the real Postgres, Redis
 * and pg-boss; only the clock is fixed. `modules` are what is under test (libs or the api's http modules).
 */
export async function createWorkOrdersHarness(options: {
  label: string;
  modules: Type[];
  now: string;
  config?: Record<string, string>;
  database?: TestDatabase;
  /** The pg-boss timer worker; off unless a test is about timers. */
  timerWorker?: TimerWorkerOptions;
  /** Extra provider values, e.g. a small SEARCH_WINDOW so both search phases run on little data. */
  providers?: [token: symbol, value: unknown][];
}): Promise<WorkOrdersHarness & { database: TestDatabase }> {
  const database = options.database ?? (await TestDatabase.create(options.label));
  const config = testConfig(database.url, options.config);
  const clock = new FixedClock(options.now);
  let builder = Test.createTestingModule({
    imports: [ConfigModule.forConfig(config), DatabaseModule, RedisModule, ...options.modules],
    // The api's one domain-error filter, as ApiModule registers it.
    providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }],
  })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .overrideProvider(TIMER_WORKER_OPTIONS)
    .useValue(options.timerWorker ?? { enabled: false, pollingIntervalSeconds: 1 });
  for (const [token, value] of options.providers ?? []) builder = builder.overrideProvider(token).useValue(value);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  const dataSource = app.get(DataSource);
  await seedDemoData(dataSource);
  return {
    app,
    dataSource,
    clock,
    config,
    database,
    close: async () => {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}

export interface OrgFixture {
  units: Record<string, string>;
  users: Record<string, Actor>;
}

/** Units and one actor per role (ids from the seeded demo data). */
export async function loadOrgFixture(dataSource: DataSource): Promise<OrgFixture> {
  const units: { id: string; code: string }[] = await dataSource.query(`SELECT id, code FROM units`);
  const users: { id: string; username: string; roles: Role[]; unit_id: string }[] = await dataSource.query(
    `SELECT id, username, roles, unit_id FROM users`,
  );
  return {
    units: Object.fromEntries(units.map((unit) => [unit.code, unit.id])),
    users: Object.fromEntries(users.map((user) => [user.username, { userId: user.id, username: user.username, roles: user.roles, unitId: user.unit_id }])),
  };
}

export async function categoryId(dataSource: DataSource, code: string): Promise<string> {
  const rows: { id: string }[] = await dataSource.query(`SELECT id FROM categories WHERE code = $1`, [code]);
  if (!rows[0]) throw new Error(`no category ${code}`);
  return rows[0].id;
}
