/*
 * A separate worker process for the timer restart test: the work-order module with its pg-boss timer worker
 * on, against the database named on the command line. Prints READY when it works on the queue. Run with
 * `node -r ./test/support/swc-register.js test/support/work-orders-timer-worker.ts <url>`.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@hotline/config';
import { DatabaseModule } from '@hotline/database';
import { RedisModule } from '@hotline/redis';
import { WorkOrdersModule } from '@hotline/work-orders';
import { testConfig } from './work-orders-harness';

async function main(): Promise<void> {
  const [databaseUrl, redisPrefix] = process.argv.slice(2);
  const config = testConfig(databaseUrl, { TIMER_JOB_EXPIRE_SECONDS: '5', TIMER_MAINTENANCE_SECONDS: '1', REDIS_PREFIX: redisPrefix, LOG_LEVEL: 'log', TIMER_POLL_SECONDS: '0.5' });

  @Module({ imports: [ConfigModule.forConfig(config), DatabaseModule, RedisModule, WorkOrdersModule] })
  class WorkerModule {}

  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn', 'log'] });
  await app.init();
  process.stdout.write('READY\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
