/*
 * call-control as a separate process, for tests that must kill it (SIGKILL: no shutdown hooks, as in a
 * crash). Run with `node -r ./test/support/swc-register.js test/support/call-control-process.ts`
 * and the app's configuration as JSON in HOTLINE_TEST_CONFIG. Prints READY once ARI and AMI are connected.
 */
import 'reflect-metadata';
import { appConfigSchema, loadConfig } from '@hotline/config';
import { createCallControlApp } from '../../apps/call-control/src/call-control.app';

async function main(): Promise<void> {
  const config = loadConfig(appConfigSchema, JSON.parse(process.env.HOTLINE_TEST_CONFIG ?? '{}') as Record<string, string>);
  await createCallControlApp(config, { waitForAsterisk: true });
  process.stdout.write('READY\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`call-control failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
