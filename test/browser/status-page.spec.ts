import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { asteriskAlarmKey, type HotlineEvent, type HotlineEventPayloads, type HotlineEventType } from '@hotline/realtime';
import { ApiTestServer, REPO_ROOT, startApiTestServer } from '../support/api-test-server';
import { ensureWebBuild } from '../support/web-build';
import { CHROMIUM_ARGS } from '../support/browser-session';
import { DEMO_PASSWORD, seedDemoData } from '@hotline/auth';

const ARTIFACTS = join(REPO_ROOT, 'test', 'artifacts');

function envelope<T extends HotlineEventType>(type: T, payload: HotlineEventPayloads[T], occurredAt = new Date()): HotlineEvent<T> {
  return { id: randomUUID(), type, version: 1, occurredAt: occurredAt.toISOString(), payload };
}

describe('status page (Chromium against the api in-process)', () => {
  let api: ApiTestServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  /** What call-control does: write the row (or event) to the record, then publish the event. */
  async function recordAndPublish(event: HotlineEvent, sequence: number): Promise<void> {
    await api.dataSource.query(`INSERT INTO call_events (call_id, sequence, type, occurred_at, payload) VALUES ($1, $2, $3, $4, $5)`, [
      (event.payload as { callId: string }).callId,
      sequence,
      event.type,
      event.occurredAt,
      JSON.stringify(event.payload),
    ]);
    await api.publish(event);
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureWebBuild();
    api = await startApiTestServer('browser');
    await seedDemoData(api.dataSource);

    // One call already in the record, so the page opens with a row.
    const startedAt = new Date(Date.now() - 5 * 60_000);
    const [{ id }] = await api.dataSource.query(
      `INSERT INTO calls (channel_id, direction, caller_number, dialed_number, status, started_at, answered_at, ended_at, hangup_cause, hangup_cause_text)
       VALUES ('1732350000.1', 'inbound', '13800138000', '12345', 'ended', $1, $2, $3, 17, 'User busy') RETURNING id`,
      [startedAt, new Date(startedAt.getTime() + 4_000), new Date(startedAt.getTime() + 95_000)],
    );
    await api.dataSource.query(
      `INSERT INTO call_events (call_id, sequence, type, occurred_at, payload) VALUES ($1, 1, 'call.started', $2, '{}'), ($1, 2, 'call.ended', $3, '{"hangupCause":17}')`,
      [id, startedAt, new Date(startedAt.getTime() + 95_000)],
    );

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    page.on('console', (message) => {
      // Chromium logs every non-2xx fetch; /api/health's 503 (Asterisk is down here) is an expected answer.
      if (message.type() === 'error' && !message.text().includes('503')) consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('shows the status in Chinese, takes a new call live, shows its timeline, then switches to English', async () => {
    await page.goto(api.url);

    await expect(page.locator('h1').textContent()).resolves.toBe('12345 政务服务便民热线 · 系统状态');
    await expect(page.title()).resolves.toBe('12345 政务服务便民热线 · 系统状态');

    // Health: Postgres and Redis up, Asterisk (ARI, AMI) down, with Chinese tags.
    for (const [name, state, tag] of [
      ['postgres', 'up', '正常'],
      ['redis', 'up', '正常'],
      ['ari', 'down', '故障'],
      ['ami', 'down', '故障'],
    ] as const) {
      const card = page.locator(`[data-testid="health-${name}"]`);
      await card.locator(`xpath=self::*[@data-state="${state}"]`).waitFor({ timeout: 5_000 });
      await expect(card.locator('.el-tag').textContent()).resolves.toContain(tag);
    }
    // Why a component is down (internal addresses) is for staff: an anonymous visitor sees up/down only.
    await expect(page.locator('[data-testid="health-ari"]').textContent()).resolves.not.toContain('ECONNREFUSED');

    // Call records are personal data: an anonymous visitor sees the health only, and is asked to log in.
    // The live stream is not opened for them (it would be refused).
    await expect(page.locator('[data-testid="live-status"]').count()).resolves.toBe(0);
    const rows = page.locator('[data-testid="calls-table"] .el-table__body-wrapper tr.el-table__row');
    await page.locator('[data-testid="calls-login"]').waitFor();
    await expect(rows.count()).resolves.toBe(0);
    await page.goto(`${api.url}/login`);
    await page.locator('[data-testid="login-username"]').fill('supervisor');
    await page.locator('[data-testid="login-password"]').fill(DEMO_PASSWORD);
    await page.locator('[data-testid="login-submit"]').click();
    await page.waitForURL(`${api.url}/wallboard`);
    await page.goto(api.url);

    // Logged in as a supervisor: the reason ARI is down, sent with the token.
    await page.locator('[data-testid="health-ari"]', { hasText: 'ECONNREFUSED' }).waitFor({ timeout: 5_000 });

    // An Asterisk restart call-control recorded (it keeps the alarm in Redis): shown to staff for a day.
    await api.redis.set(
      asteriskAlarmKey(api.config.REDIS_PREFIX),
      JSON.stringify({ alarm: 'asterisk_restart', severity: 'critical', message: 'Asterisk restarted; 3 call(s) lost', asteriskStartedAt: 'b', previousAsteriskStartedAt: 'a', lostCallIds: ['x', 'y', 'z'], raisedAt: new Date().toISOString() }),
    );
    await page.locator('[data-testid="health-refresh"]').click();
    await page.locator('[data-testid="health-alarm"]', { hasText: '中断通话 3 个' }).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'status-alarm.zh-CN.png'), animations: 'disabled' });
    await api.redis.del(asteriskAlarmKey(api.config.REDIS_PREFIX));
    await page.locator('[data-testid="health-refresh"]').click();
    await page.locator('[data-testid="health-alarm"]').waitFor({ state: 'detached', timeout: 5_000 });

    // The call already on record.
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('用户忙 (17)');

    // A new call arrives while the page is open.
    await page.locator('[data-testid="live-status"][data-state="live"]').waitFor({ timeout: 5_000 });
    const startedAt = new Date();
    const [{ id: callId }] = await api.dataSource.query(
      `INSERT INTO calls (channel_id, direction, caller_number, dialed_number, status, started_at) VALUES ('1732350100.7', 'inbound', '13912345678', '12345', 'ringing', $1) RETURNING id`,
      [startedAt],
    );
    const base = { callId: callId as string, channelId: '1732350100.7' };
    const published = Date.now();
    await recordAndPublish(envelope('call.started', { ...base, callerNumber: '13912345678', dialedNumber: '12345', startedAt: startedAt.toISOString() }, startedAt), 1);
    const newRow = rows.filter({ hasText: '13912345678' });
    await newRow.waitFor({ timeout: 1_000 });
    const appearedAfterMs = Date.now() - published;
    expect(appearedAfterMs).toBeLessThan(1_000);
    await expect(newRow.locator('[data-testid="call-status"]').textContent()).resolves.toContain('振铃中');
    await expect(rows.first().textContent()).resolves.toContain('13912345678');

    // It is answered, the caller keys 1 then 2, and hangs up.
    const at = (ms: number) => new Date(startedAt.getTime() + ms);
    await recordAndPublish(envelope('call.answered', { ...base, answeredAt: at(3_000).toISOString() }, at(3_000)), 2);
    await recordAndPublish(envelope('call.dtmf', { ...base, digit: '1', index: 1 }, at(5_000)), 3);
    await newRow.locator('[data-testid="call-status"]', { hasText: '通话中' }).waitFor({ timeout: 2_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'status-page.live-call.zh-CN.png') });
    await recordAndPublish(envelope('call.dtmf', { ...base, digit: '2', index: 2 }, at(6_000)), 4);
    await api.dataSource.query(`UPDATE calls SET status = 'ended', answered_at = $2, ended_at = $3, hangup_cause = 16, hangup_cause_text = 'Normal Clearing' WHERE id = $1`, [
      callId,
      at(3_000),
      at(42_000),
    ]);
    await recordAndPublish(
      envelope('call.ended', { ...base, endedAt: at(42_000).toISOString(), hangupCause: 16, hangupCauseText: 'Normal Clearing', durationMs: 42_000 }, at(42_000)),
      5,
    );
    await newRow.locator('[data-testid="call-status"]', { hasText: '已结束' }).waitFor({ timeout: 2_000 });
    await expect(newRow.textContent()).resolves.toContain('00:42');
    await expect(newRow.textContent()).resolves.toContain('正常挂机 (16)');

    // Expanding the row shows the timeline.
    await newRow.locator('.el-table__expand-icon').click();
    const timeline = page.locator('[data-testid="call-timeline"]');
    await timeline.waitFor();
    const items = timeline.locator('.el-timeline-item');
    await expect(items.allTextContents()).resolves.toEqual([
      expect.stringContaining('来电接入：13912345678 → 12345'),
      expect.stringContaining('已接听'),
      expect.stringContaining('按键 1'),
      expect.stringContaining('按键 2'),
      expect.stringContaining('通话结束：正常挂机 (16)'),
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'status-page.zh-CN.png'), animations: 'disabled' });

    // English.
    await page.locator('[data-testid="language-switch"]').getByText('English').click();
    await page.locator('[data-testid="language-switch"] .is-active', { hasText: 'English' }).waitFor();
    await expect(page.locator('h1').textContent()).resolves.toBe('12345 Government Service Hotline · System Status');
    await expect(page.locator('[data-testid="health-postgres"] .el-tag').textContent()).resolves.toContain('Up');
    await expect(page.locator('[data-testid="health-ami"] .el-tag').textContent()).resolves.toContain('Down');
    await expect(newRow.locator('[data-testid="call-status"]').textContent()).resolves.toContain('Ended');
    await expect(items.nth(2).textContent()).resolves.toContain('Pressed 1');
    await expect(page.locator('th').allTextContents()).resolves.toEqual(expect.arrayContaining(['Caller', 'Dialled', 'Hangup cause']));
    await page.screenshot({ path: join(ARTIFACTS, 'status-page.en.png'), animations: 'disabled' });

    // The language choice survives a reload, and the reloaded list comes from the record in the same order.
    await page.reload();
    await expect(page.locator('h1').textContent()).resolves.toBe('12345 Government Service Hotline · System Status');
    await expect(rows.first().textContent()).resolves.toContain('13912345678');

    expect(consoleErrors).toEqual([]);
  }, 60_000);

  it('answers unknown client routes with the 404 page', async () => {
    await page.goto(`${api.url}/no/such/page`);
    await page.locator('[data-testid="not-found"]').waitFor();
    await expect(page.locator('[data-testid="not-found"]').textContent()).resolves.toContain('/no/such/page');
    // The live indicator belongs to the pages that stream; the 404 page does not.
    await expect(page.locator('[data-testid="live-status"]').count()).resolves.toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'not-found.en.png'), animations: 'disabled' });
  }, 30_000);
});
