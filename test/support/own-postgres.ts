import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A Postgres server of the test's own (initdb + pg_ctl on a free port), for fault tests that stop and start
 * Postgres: the machine's shared server on 5432 must never be stopped. Runs as the `postgres` user when the
 * test runs as root (initdb refuses root). Trust authentication on 127.0.0.1 only.
 */
export class OwnPostgres {
  private up = false;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get running(): boolean {
    return this.up;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<OwnPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-own-pg-'));
    chmodSync(dir, 0o777);
    const server = new OwnPostgres(await freePort(), dir);
    await server.as([`${BIN}/initdb`, '-D', server.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    await server.startServer();
    return server;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** Starts (again) on the same port and data: what a restarted Postgres looks like to its clients. */
  async startServer(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=off`;
    await this.as([`${BIN}/pg_ctl`, '-D', this.dataDir, '-o', options, '-l', join(this.dir, 'server.log'), '-w', '-t', '60', 'start']);
    this.up = true;
  }

  /** Stops at once (connections are cut, like a crashed or unreachable server). */
  async stopServer(): Promise<void> {
    await this.as([`${BIN}/pg_ctl`, '-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    this.up = false;
  }

  async destroy(): Promise<void> {
    if (this.up) await this.stopServer();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async as(command: string[]): Promise<void> {
    const [file, ...args] = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...command] : command;
    await run(file!, args, { cwd: this.dir });
  }
}
