/**
 * Audit retention (网络安全法 art. 21: network logs kept 不少于六个月): AUDIT_RETENTION_DAYS (default 365,
 * at least 184) decides what the pruning job deletes from sensitive_read_audit, login_audit and
 * recording_access_audit; nothing
 * inside the window is ever deleted, and the database refuses it even when asked directly.
 */
import { appConfigSchema, loadConfig } from '@hotline/config';
import { AuditRetentionScheduler, AuditRetentionService, DEMO_PASSWORD, seedDemoData } from '@hotline/auth';
import { ApiTestServer, startApiTestServer } from '../support/api-test-server';
import { loginAs, rawRequest } from '../support/security-http';

const RETENTION_DAYS = 200;
const AGES_IN_DAYS = [0, 1, 150, 199, 201, 400, 1000];

describe('audit retention (real Postgres)', () => {
  let api: ApiTestServer;
  let orderId: string;
  let userId: string;
  let recordingId: string;

  beforeAll(async () => {
    api = await startApiTestServer('audit-retention', { AUDIT_RETENTION_DAYS: String(RETENTION_DAYS), AUDIT_PRUNE_INTERVAL_MINUTES: '0' });
    await seedDemoData(api.dataSource);
    const token = JSON.parse((await loginAs(api.url, 'agent', DEMO_PASSWORD)).body).accessToken as string;
    const [{ id: categoryId }] = await api.dataSource.query(`SELECT id FROM categories WHERE code = 'market.consumer'`);
    const created = await rawRequest(api.url, {
      method: 'POST',
      path: '/api/work-orders',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        channel: 'phone',
        type: 'complaint',
        categoryId,
        subject: '审计保留测试',
        content: '用于审计保留期限测试的工单内容',
        caller: { phone: '13912340000', name: '李女士' },
      }),
    });
    expect(created.status).toBe(201);
    orderId = JSON.parse(created.body).workOrder.id;
    [{ id: userId }] = await api.dataSource.query(`SELECT id FROM users WHERE username = 'agent'`);
    const [{ id: callId }] = await api.dataSource.query(
      `INSERT INTO calls (channel_id, direction, caller_number, dialed_number, status, started_at, ended_at) VALUES ('audit-1.0', 'inbound', '13912340000', '12345', 'ended', now(), now()) RETURNING id`,
    );
    [{ id: recordingId }] = await api.dataSource.query(
      `INSERT INTO recordings (call_id, kind, channel_id, file_path, status, started_at) VALUES ($1, 'call', 'audit-1.0', '20261201/audit-1.0.wav', 'recording', now()) RETURNING id`,
      [callId],
    );
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  async function insertAuditRows(): Promise<void> {
    for (const age of AGES_IN_DAYS) {
      await api.dataSource.query(
        `INSERT INTO sensitive_read_audit (user_id, order_id, fields, purpose, read_at) VALUES ($1, $2, '{caller_phone}', $3, now() - make_interval(days => $4))`,
        [userId, orderId, `age ${age}`, age],
      );
      await api.dataSource.query(
        `INSERT INTO login_audit (event, scope, username, client_ip, failures, locked_until, at)
         VALUES ('lockout', 'username', $1, '127.0.0.1', 5, now(), now() - make_interval(days => $2))`,
        [`age ${age}`, age],
      );
      await api.dataSource.query(
        `INSERT INTO recording_access_audit (recording_id, call_id, username, read_at)
         SELECT id, call_id, $2, now() - make_interval(days => $3) FROM recordings WHERE id = $1`,
        [recordingId, `age ${age}`, age],
      );
    }
  }

  const remainingAges = async () => ({
    sensitive: (await api.dataSource.query(`SELECT purpose FROM sensitive_read_audit WHERE purpose LIKE 'age %' ORDER BY read_at DESC`)).map(
      (row: { purpose: string }) => Number(row.purpose.slice(4)),
    ),
    login: (await api.dataSource.query(`SELECT username FROM login_audit WHERE username LIKE 'age %' ORDER BY at DESC`)).map((row: { username: string }) =>
      Number(row.username.slice(4)),
    ),
    recording: (await api.dataSource.query(`SELECT username FROM recording_access_audit WHERE username LIKE 'age %' ORDER BY read_at DESC`)).map(
      (row: { username: string }) => Number(row.username.slice(4)),
    ),
  });

  it('prunes only rows older than the retention window, from every audit table', async () => {
    await insertAuditRows();
    const results = await new AuditRetentionService(api.dataSource, api.config).prune();
    expect(results).toEqual([
      { table: 'sensitive_read_audit', deleted: 3 },
      { table: 'login_audit', deleted: 3 },
      { table: 'recording_access_audit', deleted: 3 },
    ]);
    const kept = AGES_IN_DAYS.filter((age) => age < RETENTION_DAYS);
    expect(await remainingAges()).toEqual({ sensitive: kept, login: kept, recording: kept });
    // A second run finds nothing more to do.
    expect((await new AuditRetentionService(api.dataSource, api.config).prune()).map((r) => r.deleted)).toEqual([0, 0, 0]);
  });

  it('refuses, in the database itself, any delete inside the window, any short cutoff, and any update', async () => {
    const [recent] = await api.dataSource.query(`SELECT id FROM sensitive_read_audit ORDER BY read_at DESC LIMIT 1`);
    await expect(api.dataSource.query(`DELETE FROM sensitive_read_audit WHERE id = $1`, [recent.id])).rejects.toThrow(/append-only/);
    await expect(api.dataSource.query(`DELETE FROM login_audit`)).rejects.toThrow(/append-only/);
    await expect(api.dataSource.query(`UPDATE login_audit SET failures = 1`)).rejects.toThrow(/append-only/);
    await expect(api.dataSource.query(`TRUNCATE sensitive_read_audit`)).rejects.toThrow(/append-only/);
    await expect(api.dataSource.query(`DELETE FROM recording_access_audit`)).rejects.toThrow(/append-only/);
    await expect(api.dataSource.query(`UPDATE recording_access_audit SET username = 'x'`)).rejects.toThrow(/append-only/);
    // Declaring a cutoff shorter than six months does not help either: the trigger has its own floor.
    await expect(
      api.dataSource.transaction(async (manager) => {
        await manager.query(`SELECT set_config('hotline.audit_prune_cutoff', (now() - interval '30 days')::text, true)`);
        await manager.query(`DELETE FROM sensitive_read_audit WHERE read_at < now() - interval '30 days'`);
      }),
    ).rejects.toThrow(/append-only/);
    // Nor does a legal cutoff with a row inside it.
    await expect(
      api.dataSource.transaction(async (manager) => {
        await manager.query(`SELECT set_config('hotline.audit_prune_cutoff', (now() - interval '300 days')::text, true)`);
        await manager.query(`DELETE FROM sensitive_read_audit WHERE id = $1`, [recent.id]);
      }),
    ).rejects.toThrow(/append-only/);
    const kept = AGES_IN_DAYS.filter((age) => age < RETENTION_DAYS);
    expect(await remainingAges()).toEqual({ sensitive: kept, login: kept, recording: kept });
  });

  it('defaults to a year and refuses a retention under six months', () => {
    const base = {
      DATABASE_URL: 'postgres://x@127.0.0.1/x',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ARI_URL: 'http://127.0.0.1:8088',
      ARI_USERNAME: 'a',
      ARI_PASSWORD: 'long-enough-secret',
      AMI_USERNAME: 'a',
      AMI_PASSWORD: 'long-enough-secret',
    };
    expect(loadConfig(appConfigSchema, base).AUDIT_RETENTION_DAYS).toBe(365);
    expect(() => loadConfig(appConfigSchema, { ...base, AUDIT_RETENTION_DAYS: '90' })).toThrow(/AUDIT_RETENTION_DAYS: must be at least 184 days/);
  });

  it('runs at start-up through the scheduler and finishes before shutdown', async () => {
    await api.dataSource.transaction(async (manager) => {
      // Only this test's old row: the ages above are already pruned.
      await manager.query(
        `INSERT INTO login_audit (event, scope, username, client_ip, failures, locked_until, at) VALUES ('lockout', 'ip', 'scheduler', '127.0.0.9', 5, now(), now() - interval '500 days')`,
      );
    });
    const config = { ...api.config, AUDIT_PRUNE_INTERVAL_MINUTES: 60 };
    const scheduler = new AuditRetentionScheduler(new AuditRetentionService(api.dataSource, config), config);
    scheduler.onApplicationBootstrap();
    await scheduler.onApplicationShutdown();
    expect(await api.dataSource.query(`SELECT id FROM login_audit WHERE username = 'scheduler'`)).toEqual([]);
  });
});
