/*
 * A separate survey worker process for the restart test: the survey module with its worker on (pg-boss
 * jobs, SMPP to the test SMSC), the clock fixed like the test's. Prints READY once it works on the queue.
 * Run with `node -r ./test/support/swc-register.js test/support/surveys-worker.ts <db> <prefix> <smsc>`.
 */
import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { ConfigModule } from '@hotline/config';
import { DatabaseModule } from '@hotline/database';
import { RedisModule } from '@hotline/redis';
import { CLOCK } from '@hotline/common';
import { FixedClock } from '@hotline/sla';
import { SURVEY_POLICY_DATA, SURVEY_WORKER_OPTIONS, SurveysModule } from '@hotline/surveys';
import { TIMER_WORKER_OPTIONS } from '@hotline/work-orders';
import { surveyTestConfig, TEST_SURVEY_POLICIES } from './surveys-fixture';
import { testConfig } from './work-orders-harness';

async function main(): Promise<void> {
  const [databaseUrl, redisPrefix, smscUrl, now] = process.argv.slice(2);
  const config = testConfig(databaseUrl, {
    ...surveyTestConfig(smscUrl),
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: 'log',
    TIMER_JOB_EXPIRE_SECONDS: '2',
    TIMER_MAINTENANCE_SECONDS: '1',
  });
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forConfig(config), DatabaseModule, RedisModule, SurveysModule] })
    .overrideProvider(CLOCK)
    .useValue(new FixedClock(now))
    .overrideProvider(SURVEY_POLICY_DATA)
    .useValue(TEST_SURVEY_POLICIES)
    .overrideProvider(TIMER_WORKER_OPTIONS)
    .useValue({ enabled: false, pollingIntervalSeconds: 1 })
    .overrideProvider(SURVEY_WORKER_OPTIONS)
    .useValue({ enabled: true, pollingIntervalSeconds: 0.5 })
    .compile();
  moduleRef.useLogger(['error', 'warn', 'log']);
  await moduleRef.init();
  process.stdout.write('READY\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`survey worker failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
