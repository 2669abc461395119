/**
 * The product's Postgres connections are bounded (DATABASE_QUERY_TIMEOUT_MS, DATABASE_CONNECT_TIMEOUT_MS): a
 * query the server does not answer in time fails, and so does a connection to a server that accepts the TCP
 * connection and then says nothing (what a Postgres behind a black-holing network looks like), instead of
 * holding a call's step or a request forever. Real Postgres; the silent server is a real TCP listener.
 */
import { connect, createServer, Server, Socket } from 'node:net';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@hotline/database';
import { TestDatabase } from '../support/test-database';

describe('Postgres timeouts (real Postgres, a silent TCP server)', () => {
  let database: TestDatabase;
  let silent: Server;
  const held: Socket[] = [];

  beforeAll(async () => {
    database = await TestDatabase.create('timeouts');
    silent = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await database.drop();
  });

  it('fails a query that runs past the query timeout (the server cancels it), and the pool stays usable', async () => {
    const dataSource = await new DataSource(dataSourceOptions(database.url, { queryMs: 1_000, connectMs: 2_000 })).initialize();
    try {
      const started = Date.now();
      await expect(dataSource.query('SELECT pg_sleep(5)')).rejects.toThrow(/timeout/i);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(900);
      expect(waited).toBeLessThan(3_000);
      // Every connection of the pool, the one that timed out included, answers at once.
      const answers = await Promise.all(Array.from({ length: 10 }, () => dataSource.query('SELECT 1 AS one')));
      expect(answers).toEqual(Array.from({ length: 10 }, () => [{ one: 1 }]));
    } finally {
      await dataSource.destroy();
    }
  });

  it('fails a query on an established connection whose server stops answering (packets dropped)', async () => {
    // A TCP relay to the real Postgres that can go silent: what the client sees when the network black-holes.
    const target = new URL(database.url);
    let dropping = false;
    const relay = createServer((client) => {
      const server = connect(Number(target.port || 5432), target.hostname);
      held.push(client, server);
      client.on('data', (chunk) => void (dropping || server.write(chunk)));
      server.on('data', (chunk) => void (dropping || client.write(chunk)));
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const url = new URL(database.url);
    url.hostname = '127.0.0.1';
    url.port = String((relay.address() as { port: number }).port);
    const dataSource = await new DataSource(dataSourceOptions(url.toString(), { queryMs: 1_000, connectMs: 2_000 })).initialize();
    try {
      expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      dropping = true;
      const started = Date.now();
      await expect(dataSource.query('SELECT 2 AS two')).rejects.toThrow(/Query read timeout/);
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await dataSource.destroy().catch((error: Error) => process.stderr.write(`[timeouts] closing the relayed pool: ${error.message}\n`));
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    }
  });

  it('gives up connecting to a server that accepts the connection and never answers', async () => {
    const { port } = silent.address() as { port: number };
    const started = Date.now();
    await expect(new DataSource(dataSourceOptions(`postgres://postgres@127.0.0.1:${port}/test`, { queryMs: 1_000, connectMs: 1_000 })).initialize()).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(held.length).toBeGreaterThan(0);
  });
});
