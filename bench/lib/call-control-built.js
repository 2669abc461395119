/*
 * call-control from the production build (dist/, compiled by `node scripts/launch.js build`, as `npm start`
 * and the container run it), for the benchmark: the same bootstrap as test/support/call-control-process.ts,
 * without compiling TypeScript in the process (which holds the compiler's output and source maps in its heap).
 * Configuration as JSON in HOTLINE_TEST_CONFIG; prints READY once ARI and AMI are connected.
 */
require('reflect-metadata');
const path = require('node:path');

const dist = path.resolve(__dirname, '..', '..', 'dist');
const { appConfigSchema, loadConfig } = require(path.join(dist, 'libs', 'config', 'src'));
const { createCallControlApp } = require(path.join(dist, 'apps', 'call-control', 'src', 'call-control.app'));

async function main() {
  const config = loadConfig(appConfigSchema, JSON.parse(process.env.HOTLINE_TEST_CONFIG ?? '{}'));
  await createCallControlApp(config, { waitForAsterisk: true });
  process.stdout.write('READY\n');
}

main().catch((error) => {
  process.stderr.write(`call-control failed: ${error.stack}\n`);
  process.exit(1);
});
