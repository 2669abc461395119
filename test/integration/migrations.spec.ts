import { DataSource } from 'typeorm';
import { createDataSource, migrations, runMigrations } from '@hotline/database';
import { TestDatabase } from '../support/test-database';

describe('database migrations (real Postgres)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await TestDatabase.create('migrations');
    dataSource = await createDataSource(database.url).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const tables = async () =>
    (
      await dataSource.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`,
      )
    ).map((row: { table_name: string }) => row.table_name);

  it('applies every migration once, even when two processes start together', async () => {
    const second = await createDataSource(database.url).initialize();
    try {
      const [first, other] = await Promise.all([runMigrations(dataSource), runMigrations(second)]);
      expect([...first, ...other].sort()).toEqual(migrations.map((m) => m.name).sort());
    } finally {
      await second.destroy();
    }
    expect(await tables()).toEqual(expect.arrayContaining(['call_events', 'calls']));
  });

  it('enforces one row per channel and an ordered event timeline', async () => {
    const [{ id }] = await dataSource.query(
      `INSERT INTO calls (channel_id, direction, dialed_number, status, started_at) VALUES ('c-1', 'inbound', '12345', 'ringing', now()) RETURNING id`,
    );
    await expect(
      dataSource.query(
        `INSERT INTO calls (channel_id, direction, dialed_number, status, started_at) VALUES ('c-1', 'inbound', '12345', 'ringing', now())`,
      ),
    ).rejects.toThrow(/duplicate key/);
    await dataSource.query(`INSERT INTO call_events (call_id, sequence, type, occurred_at) VALUES ($1, 1, 'call.started', now())`, [id]);
    await expect(
      dataSource.query(`INSERT INTO call_events (call_id, sequence, type, occurred_at) VALUES ($1, 1, 'call.answered', now())`, [id]),
    ).rejects.toThrow(/call_events_call_sequence_key/);
  });

  it('reverts every migration with its down, leaving an empty schema', async () => {
    const applied = await tables();
    for (let i = 0; i < migrations.length; i += 1) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual([]);
    await runMigrations(dataSource);
    expect(await tables()).toEqual(applied);
  });
});
