import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '../support/free-port';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * A Postgres cluster of the test's own, on a free port, that the test may stop and start (the machine's
 * shared server must never be stopped). As root the server runs as the `postgres` user, as Postgres insists.
 */
export class OwnPostgres {
  private constructor(readonly dir: string, readonly port: number) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/hotline`;
  }

  static async create(label: string): Promise<OwnPostgres> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), `fault-pg-${label}-`));
    const cluster = new OwnPostgres(dir, await freePort());
    await fs.chmod(dir, 0o777);
    await cluster.asOwner(`${PG_BIN}/initdb`, ['-D', cluster.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C.UTF-8']);
    await cluster.start();
    const admin = new Client({ connectionString: `postgres://postgres@127.0.0.1:${cluster.port}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE hotline');
    await admin.end();
    return cluster;
  }

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  async start(): Promise<void> {
    await this.asOwner(`${PG_BIN}/pg_ctl`, ['-D', this.dataDir, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '30', '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    await waitFor(async () => {
      const client = new Client({ connectionString: `postgres://postgres@127.0.0.1:${this.port}/postgres` });
      try {
        await client.connect();
        await client.end();
        return true;
      } catch {
        return false;
      }
    }, 20_000, `Postgres on ${this.port}`);
  }

  /** Fast shutdown: clients are disconnected, as when the database server goes away. */
  async stop(): Promise<void> {
    await this.asOwner(`${PG_BIN}/pg_ctl`, ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop().catch((error: Error) => process.stderr.write(`[own-postgres] stop: ${error.message}\n`));
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  private async asOwner(command: string, args: string[]): Promise<void> {
    const asRoot = process.getuid?.() === 0;
    await run(asRoot ? 'runuser' : command, asRoot ? ['-u', 'postgres', '--', command, ...args] : args, { cwd: this.dir });
  }
}
