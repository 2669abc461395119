/**
 * The caller's profile the call path reads once per call, on the real Postgres: the lists the number is on and
 * its earlier calls, the current call left out whether or not its row is written yet (it is written behind
 * the call).
 */
import { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '@hotline/database';
import { CallerListRepository } from '@hotline/ivr';
import { TestDatabase } from '../support/test-database';

describe('caller profile (real Postgres)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let lists: CallerListRepository;
  const now = new Date('2026-12-02T08:00:00Z');
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
  const call = (id: string, number: string, startedAt: Date) =>
    dataSource.query(`INSERT INTO calls (id, channel_id, direction, caller_number, dialed_number, status, started_at) VALUES ($1, $2, 'inbound', $3, '12345', 'ended', $4)`, [
      id,
      `chan-${id}`,
      number,
      startedAt,
    ]);

  beforeAll(async () => {
    database = await TestDatabase.create('caller_profile');
    dataSource = await createDataSource(database.url).initialize();
    await runMigrations(dataSource);
    lists = new CallerListRepository(dataSource);
    await lists.add('elderly', '13900000001', '独居老人', 'admin');
    await lists.add('vip', '13900000001', null, 'admin');
    await call('00000000-0000-5000-8000-000000000001', '13900000001', hoursAgo(30));
    await call('00000000-0000-5000-8000-000000000002', '13900000001', hoursAgo(3));
    await call('00000000-0000-5000-8000-000000000003', '13900000001', hoursAgo(1));
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('reads the lists and the earlier calls in the window, without the current call', async () => {
    // The current call's row is already written: it is not counted.
    const written = await lists.profileOf('13900000001', hoursAgo(24), '00000000-0000-5000-8000-000000000003');
    expect(written).toEqual({ lists: new Set(['elderly', 'vip']), earlierCalls: 1 });
    // Not written yet: the same answer for the same caller history.
    const unwritten = await lists.profileOf('13900000001', hoursAgo(24), '00000000-0000-5000-8000-000000000009');
    expect(unwritten.earlierCalls).toBe(2);
    expect(await lists.callsSince('13900000001', hoursAgo(48), '00000000-0000-5000-8000-000000000003')).toBe(2);
  });

  it('answers for a number on no list that never called', async () => {
    expect(await lists.profileOf('13700000000', hoursAgo(24), '00000000-0000-5000-8000-000000000004')).toEqual({ lists: new Set(), earlierCalls: 0 });
  });
});
