/*
 * call-control in a process of its own, for tests that must kill it (SIGKILL: no shutdown hooks, as in a crash)
 * and for the benchmark. One bootstrap for both ways of running the code:
 *   node test/support/call-control-process.js built     the production build in dist/ (as npm start and the
 *                                                       container run it; built first by scripts/launch.js build)
 *   node -r ./test/support/swc-register.js test/support/call-control-process.js source
 *                                                       the TypeScript sources, compiled in the process (tests)
 * The app's configuration comes as JSON in HOTLINE_TEST_CONFIG. Prints READY once ARI and AMI are connected.
 */
require('reflect-metadata');
const path = require('node:path');

const repo = path.resolve(__dirname, '..', '..');
const mode = process.argv[2];
if (mode !== 'built' && mode !== 'source') {
  process.stderr.write(`call-control-process: say "built" or "source", not ${JSON.stringify(mode)}\n`);
  process.exit(2);
}
const root = mode === 'built' ? path.join(repo, 'dist') : repo;

async function main() {
  const { appConfigSchema, loadConfig } = require(path.join(root, 'libs', 'config', 'src'));
  const { createCallControlApp } = require(path.join(root, 'apps', 'call-control', 'src', 'call-control.app'));
  const config = loadConfig(appConfigSchema, JSON.parse(process.env.HOTLINE_TEST_CONFIG ?? '{}'));
  await createCallControlApp(config, { waitForAsterisk: true });
  process.stdout.write('READY\n');
}

main().catch((error) => {
  process.stderr.write(`call-control failed: ${error.stack}\n`);
  process.exit(1);
});
