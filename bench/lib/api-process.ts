/*
 * The api as a process of its own for the load benchmark (its CPU is read from /proc like call-control's).
 * Run with `node -r ./test/support/swc-register.js bench/lib/api-process.ts` and the app's
 * configuration as JSON in HOTLINE_BENCH_CONFIG; seeds the demo users (the bench logs in as the supervisor)
 * and prints READY <url> once it listens.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { appConfigSchema, loadConfig } from '@hotline/config';
import { seedDemoData } from '@hotline/auth';
import { startApi } from '../../apps/api/src/api-app.factory';

async function main(): Promise<void> {
  const config = loadConfig(appConfigSchema, JSON.parse(process.env.HOTLINE_BENCH_CONFIG ?? '{}') as Record<string, string>);
  const running = await startApi(config, { enableShutdownHooks: true });
  await seedDemoData(running.app.get(DataSource));
  process.stdout.write(`READY ${running.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`api failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
