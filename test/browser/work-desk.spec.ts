import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import Redis from 'ioredis';
import { asteriskAlarmKey, type HotlineEvent, type HotlineEventPayloads, type HotlineEventType } from '@hotline/realtime';
import { hotlineCommandChannel, hotlineCommandResultChannel, parseHotlineCommand } from '@hotline/realtime';
import { testEnvironment } from '../support/test-environment';
import { ApiTestServer, REPO_ROOT } from '../support/api-test-server';
import { apiCall, createDispatchedOrder, loginToken, OrderView, startSeededApi, unitIds } from '../support/browser-fixtures';
import { CHROMIUM_ARGS, loginAs, UserPage } from '../support/browser-session';
import { ensureWebBuild } from '../support/web-build';
import { fillComplaintForMarketUnit, signAndReplyInUnitPortal } from '../support/browser-steps';

const ARTIFACTS = join(REPO_ROOT, 'test', 'artifacts');

function envelope<T extends HotlineEventType>(type: T, payload: HotlineEventPayloads[T]): HotlineEvent<T> {
  return { id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), payload };
}

describe('work desks (Chromium against the api in-process): unit portal, review, agent form, wallboard', () => {
  let api: ApiTestServer;
  let browser: Browser;
  let units: Record<string, string>;
  let agentToken: string;
  const opened: UserPage[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureWebBuild();
    api = await startSeededApi('desk');
    units = await unitIds(api);
    agentToken = await loginToken(api.url, 'agent');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const open = async (username: string, landing: string) => {
    const user = await loginAs(browser, api.url, username, landing);
    opened.push(user);
    return user;
  };

  afterEach(async () => {
    for (const user of opened.splice(0)) {
      expect(user.errors).toEqual([]);
      await user.context.close();
    }
  });

  it('a unit user sees a pushed order arrive, signs it and replies; the reviewer accepts the reply', async () => {
    const unit = await open('market.handler', '/unit');
    const { page } = unit;
    await page.locator('[data-testid="unit-inbox"]').waitFor();

    // Dispatched while the portal is open: it appears by push, without a reload.
    const order: OrderView = await createDispatchedOrder(api, agentToken, units['city.market']!);
    const row = page.locator('[data-testid="unit-inbox"] tr.el-table__row', { hasText: order.number });
    await row.waitFor({ timeout: 3_000 });
    await expect(row.locator('[data-testid="order-status"]').textContent()).resolves.toBe('已派单');
    await expect(row.locator('[data-testid="deadline"]').getAttribute('data-state')).resolves.toMatch(/on_time|due_soon/);
    await page.screenshot({ path: join(ARTIFACTS, 'unit-portal.inbox.zh-CN.png'), animations: 'disabled' });

    await signAndReplyInUnitPortal(page, order.number, () => page.screenshot({ path: join(ARTIFACTS, 'unit-portal.reply.zh-CN.png'), animations: 'disabled' }).then(() => undefined));

    const reviewer = await open('reviewer', '/review');
    const reviewRow = reviewer.page.locator('[data-testid="review-queue"] tr.el-table__row', { hasText: order.number });
    await reviewRow.waitFor({ timeout: 3_000 });
    await reviewer.page.screenshot({ path: join(ARTIFACTS, 'review-queue.zh-CN.png'), animations: 'disabled' });
    await reviewRow.locator('[data-testid="action-accept"]').click();
    await reviewRow.waitFor({ state: 'detached', timeout: 3_000 });
    const after = await apiCall<OrderView>(api.url, agentToken, 'GET', `/work-orders/${order.id}`);
    expect(after.status).toBe('closed');
  }, 60_000);

  // Before the agent test: the ACD picture is in-process state, and the agent test feeds it.
  it('the wallboard counts a call as its event is pushed, and shows the ACD grid once queue events arrive', async () => {
    const { page } = await open('supervisor', '/wallboard');
    const started = page.locator('[data-testid="count-started"]');
    const before = Number(await started.textContent());
    await page.locator('[data-testid="acd-not-connected"]').waitFor();

    const startedAt = new Date();
    const callId = randomUUID();
    await api.dataSource.query(
      `INSERT INTO calls (id, channel_id, direction, caller_number, dialed_number, status, started_at) VALUES ($1, $2, 'inbound', '13912345678', '12345', 'ringing', $3)`,
      [callId, `wallboard-${callId}`, startedAt],
    );
    const published = Date.now();
    await api.publish(envelope('call.started', { callId, channelId: `wallboard-${callId}`, callerNumber: '13912345678', dialedNumber: '12345', startedAt: startedAt.toISOString() }));
    await page.locator('[data-testid="count-started"]', { hasText: String(before + 1) }).waitFor({ timeout: 1_000 });
    expect(Date.now() - published).toBeLessThan(1_000);
    await page.locator('[data-testid="live-calls"] tr.el-table__row', { hasText: '13912345678' }).waitFor();

    await api.publish(
      envelope('queue.stats', { skill: 'general', waiting: 3, staffed: 4, ready: 1, handleTimeSeconds: 210, answered: 40, answeredWithinThreshold: 34, abandoned: 2, serviceLevel: 34 / 42 }),
    );
    await api.publish(envelope('agent.state-changed', { agentId: randomUUID(), state: 'on_call', previousState: 'ringing', reason: null, seat: '1001', callId }));
    await page.locator('[data-testid="queue-grid"] tr.el-table__row', { hasText: 'general' }).waitFor({ timeout: 1_000 });
    await page.locator('[data-testid="agent-grid"]', { hasText: '1001' }).waitFor();
    await expect(page.locator('[data-testid="tile-waiting"]').textContent()).resolves.toContain('3');

    // call-control's alarm after an Asterisk restart reaches the wall at once, and stays until dismissed.
    const message = 'Asterisk restarted (run of 2026-12-02 08:00:00 replaced by 2026-12-02 09:00:00); 2 call(s) lost';
    await api.publish(envelope('system.alarm', { alarm: 'asterisk_restart', severity: 'critical', message, asteriskStartedAt: '2026-12-02 09:00:00', previousAsteriskStartedAt: '2026-12-02 08:00:00', lostCallIds: [callId] }));
    const alarm = page.locator('[data-testid="wallboard-alarm"]', { hasText: '2 call(s) lost' });
    await alarm.waitFor({ timeout: 1_000 });
    await expect(alarm.textContent()).resolves.toContain('系统告警');
    await page.screenshot({ path: join(ARTIFACTS, 'wallboard.zh-CN.png'), animations: 'disabled' });
    await alarm.locator('.el-alert__close-btn').click();
    await alarm.waitFor({ state: 'detached' });
    // An alarm raised while the wall was not connected comes with the snapshot (kept in Redis for a day), and a
    // dismissed one stays dismissed on this screen after a reload.
    await api.redis.set(
      asteriskAlarmKey(api.config.REDIS_PREFIX),
      JSON.stringify({ alarm: 'asterisk_restart', severity: 'critical', message: 'Asterisk restarted; 3 call(s) lost', asteriskStartedAt: 'b', previousAsteriskStartedAt: 'a', lostCallIds: ['x', 'y', 'z'], raisedAt: new Date().toISOString() }),
    );
    await page.reload();
    const kept = page.locator('[data-testid="wallboard-alarm"]', { hasText: '3 call(s) lost' });
    await kept.waitFor({ timeout: 5_000 });
    await kept.locator('.el-alert__close-btn').click();
    await page.reload();
    // The snapshot is applied as the connection turns live.
    await page.locator('[data-testid="realtime-status"][data-state="live"]').waitFor({ timeout: 5_000 });
    await expect(page.locator('[data-testid="wallboard-alarm"]').count()).resolves.toBe(0);
    await api.redis.del(asteriskAlarmKey(api.config.REDIS_PREFIX));

    // Wall mode: no header, big numbers; Escape leaves it.
    await page.locator('[data-testid="wall-mode"]').click();
    await page.locator('.app-header').waitFor({ state: 'hidden' });
    await page.screenshot({ path: join(ARTIFACTS, 'wallboard.wall-mode.zh-CN.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
    await page.locator('.app-header').waitFor({ state: 'visible' });

    // English, for the record.
    await page.locator('[data-testid="language-switch"]').getByText('English').click();
    await page.locator('[data-testid="tile-started"]', { hasText: 'Calls today' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'wallboard.en.png'), animations: 'disabled' });
  }, 60_000);

  it('an agent goes not ready and ready by hotkey, gets a screen pop, records an order in the form and dispatches it', async () => {
    const [{ id: agentUserId }] = await api.dataSource.query(`SELECT id FROM users WHERE username = 'agent'`);
    await api.dataSource.query(`INSERT INTO acd_agents (id, name, user_id) VALUES ('a1001', '话务员 李敏', $1)`, [agentUserId]);
    // A stand-in for call-control: applies agent.set-state by answering it and publishing the state change.
    const prefix = api.config.REDIS_PREFIX;
    const commands = new Redis(testEnvironment.TEST_REDIS_URL);
    const answers = new Redis(testEnvironment.TEST_REDIS_URL);
    let state = 'logged_out';
    commands.on('message', (_channel: string, raw: string) => {
      const command = parseHotlineCommand(raw);
      if (command.type !== 'agent.set-state') return;
      const payload = command.payload as { agentId: string; state: 'ready' | 'not_ready'; reason?: string };
      const previousState = state;
      state = payload.state;
      void answers
        .publish(hotlineCommandResultChannel(prefix), JSON.stringify({ commandId: command.id, ok: true, result: {} }))
        .then(() => api.publish(envelope('agent.state-changed', { agentId: payload.agentId, state: payload.state, previousState: previousState as 'ready', reason: payload.reason ?? null, seat: '1001', callId: null })));
    });
    await commands.subscribe(hotlineCommandChannel(prefix));
    const callId = randomUUID();

    try {
      const { page } = await open('agent', '/agent');
      const form = page.locator('[data-testid="work-order-form"]');
      await form.waitFor();
      const agentState = page.locator('[data-testid="agent-state"]');
      await expect(agentState.getAttribute('data-state')).resolves.toBe('logged_out');
      await page.keyboard.press('F9');
      await page.locator('[data-testid="agent-state"][data-state="not_ready"]').waitFor({ timeout: 3_000 });
      await page.keyboard.press('F8');
      await page.locator('[data-testid="agent-state"][data-state="ready"]').waitFor({ timeout: 3_000 });

      // Required fields are enforced before anything is sent.
      await page.locator('[data-testid="agent-submit"]').click();
      await form.locator('.el-form-item__error').first().waitFor();

      // A call on the integrated 12315 line is offered to this agent: the desk pops it and links it to the form.
      await api.dataSource.query(
        `INSERT INTO calls (id, channel_id, direction, caller_number, dialed_number, status, started_at, answered_at) VALUES ($1, $2, 'inbound', '13700001234', '12315', 'answered', now(), now())`,
        [callId, `agent-${callId}`],
      );
      const ref = { callId, channelId: `agent-${callId}` };
      const published = Date.now();
      await api.publish(envelope('call.started', { ...ref, callerNumber: '13700001234', dialedNumber: '12315', startedAt: new Date().toISOString() }));
      await api.publish(envelope('call.line', { ...ref, line: '12315', lineName: '消费者投诉', skill: 'market' }));
      await api.publish(envelope('call.ivr', { ...ref, flow: 'main', flowVersion: 1, nodeId: 'menu', nodeType: 'menu', outcome: '2' }));
      await api.publish(envelope('call.offered', { ...ref, skill: 'market', agentId: 'a1001', seat: '1001', agentChannelId: 'seat-1' }));
      const callCard = page.locator('[data-testid="agent-calls"] li', { hasText: '13700001234' });
      await callCard.locator('.call-card__pop').waitFor({ timeout: 1_000 });
      expect(Date.now() - published).toBeLessThan(1_000);
      await expect(callCard.textContent()).resolves.toContain('消费者投诉 (12315)');
      await expect(callCard.textContent()).resolves.toContain('menu:2');
      await expect(page.locator('[data-testid="field-caller-phone"]').inputValue()).resolves.toBe('13700001234');
    } finally {
      commands.disconnect();
      answers.disconnect();
    }
    const page = opened.at(-1)!.page;
    await fillComplaintForMarketUnit(page, {
      callerName: '张女士',
      subject: '健身房闭店拒不退还会员费',
      content: '诉求人在博乐市某健身房办理年卡，健身房突然闭店，拒不退还剩余会员费约 2000 元，要求协调退款。',
    });
    await page.screenshot({ path: join(ARTIFACTS, 'agent-desk.form.zh-CN.png'), animations: 'disabled' });
    // Alt+S saves, as the hotkey hint says.
    await page.keyboard.press('Alt+KeyS');
    const saved = page.locator('[data-testid="agent-saved"]');
    await saved.waitFor({ timeout: 5_000 });
    await expect(saved.textContent()).resolves.toMatch(/工单 \d{13} 已派往 州市场监督管理局/);

    const page1 = await apiCall<{ items: (OrderView & { subject: string; leadUnitId: string })[] }>(api.url, agentToken, 'GET', '/work-orders?status=dispatched&limit=100');
    const recorded = page1.items.find((order) => order.subject === '健身房闭店拒不退还会员费');
    expect(recorded).toMatchObject({ status: 'dispatched', leadUnitId: units['city.market'] });
    const linked: { call_id: string }[] = await api.dataSource.query(`SELECT call_id FROM work_order_calls WHERE order_id = $1`, [recorded!.id]);
    expect(linked).toEqual([{ call_id: callId }]);
  }, 60_000);

  it('an admin sees users with roles, the unit tree, categories and the active SLA preset, and sets a working-day override', async () => {
    const { page } = await open('admin', '/admin');
    const users = page.locator('[data-testid="admin-users"] tr.el-table__row');
    await users.filter({ hasText: 'market.handler' }).waitFor();
    await expect(users.filter({ hasText: 'market.handler' }).textContent()).resolves.toContain('单位经办人');
    await page.screenshot({ path: join(ARTIFACTS, 'admin.users.zh-CN.png'), animations: 'disabled' });
    await page.getByRole('tab', { name: '时限方案' }).click();
    await expect(page.locator('[data-testid="admin-sla"]').textContent()).resolves.toContain('ningxia-2025');

    // A working-day override (调休) the official calendar does not have yet: added, listed, removed.
    const dateInput = page.locator('[data-testid="calendar-overrides"] .el-date-editor input');
    await dateInput.fill('2027-02-06');
    await dateInput.press('Enter');
    await page.locator('input[data-testid="calendar-note"]').fill('2027 年春节调休上班');
    await page.locator('[data-testid="calendar-save"]').click();
    const row = page.locator('[data-testid="calendar-table"] tr.el-table__row', { hasText: '2027-02-06' });
    await row.waitFor({ timeout: 5_000 });
    await expect(row.textContent()).resolves.toContain('上班');
    await page.screenshot({ path: join(ARTIFACTS, 'admin.calendar.zh-CN.png'), animations: 'disabled' });
    await page.locator('[data-testid="calendar-remove-2027-02-06"]').click();
    await row.waitFor({ state: 'detached', timeout: 5_000 });
  }, 30_000);

  it('an admin creates a unit under the city and a category under 市场监管; a duplicate code is refused with the reason', async () => {
    const admin = await open('admin', '/admin');
    const { page } = admin;
    await page.getByRole('tab', { name: '承办单位' }).click();
    await page.locator('[data-testid="admin-new-unit"]').click();
    const unitDialog = page.locator('.el-dialog', { has: page.locator('[data-testid="unit-code"]') });
    await unitDialog.locator('[data-testid="unit-code"]').fill('city.tourism');
    await unitDialog.locator('[data-testid="unit-name"]').fill('州文化体育广播电视和旅游局');
    await unitDialog.locator('[data-testid="unit-kind"]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '委办局' }).click();
    await unitDialog.locator('[data-testid="unit-parent"]').click();
    await page.locator('.el-tree-select__popper:visible').getByText('自治州人民政府', { exact: true }).click();
    await unitDialog.locator('[data-testid="unit-region"]').fill('652700');
    await page.screenshot({ path: join(ARTIFACTS, 'admin.new-unit.zh-CN.png'), animations: 'disabled' });
    await unitDialog.locator('[data-testid="unit-submit"]').click();
    await page.locator('[data-testid="admin-units"] tr.el-table__row', { hasText: '州文化体育广播电视和旅游局' }).waitFor({ timeout: 5_000 });
    const [unit] = await api.dataSource.query(`SELECT u.kind, u.region_code, p.code AS parent FROM units u JOIN units p ON p.id = u.parent_id WHERE u.code = 'city.tourism'`);
    expect(unit).toEqual({ kind: 'bureau', region_code: '652700', parent: 'city' });

    await page.getByRole('tab', { name: '诉求分类' }).click();
    await page.locator('[data-testid="admin-new-category"]').click();
    const categoryDialog = page.locator('.el-dialog', { has: page.locator('[data-testid="category-code"]') });
    await categoryDialog.locator('[data-testid="category-parent"]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '(market)' }).click();
    // A code already taken: the server's 409 reason is shown and the dialog stays open.
    await categoryDialog.locator('[data-testid="category-code"]').fill('market.consumer');
    await categoryDialog.locator('[data-testid="category-name"]').fill('价格监督');
    await categoryDialog.locator('[data-testid="category-submit"]').click();
    await page.locator('.el-message--error', { hasText: 'market.consumer is taken' }).waitFor({ timeout: 5_000 });
    await categoryDialog.locator('[data-testid="category-code"]').fill('market.pricing');
    await page.screenshot({ path: join(ARTIFACTS, 'admin.new-category.zh-CN.png'), animations: 'disabled' });
    await categoryDialog.locator('[data-testid="category-submit"]').click();
    await page.locator('[data-testid="admin-categories"] tr.el-table__row', { hasText: 'market.pricing' }).waitFor({ timeout: 5_000 });
    await expect(page.locator('[data-testid="admin-categories"] tr.el-table__row', { hasText: 'market.pricing' }).textContent()).resolves.toContain('市场监管');
    await page.screenshot({ path: join(ARTIFACTS, 'admin.categories.zh-CN.png'), animations: 'disabled' });
    await expect(api.dataSource.query(`SELECT c.name, p.code AS parent FROM categories c JOIN categories p ON p.id = c.parent_id WHERE c.code = 'market.pricing'`)).resolves.toEqual([
      { name: '价格监督', parent: 'market' },
    ]);
    // Chromium logs the duplicate's refusal as a failed load: expected here, and nothing else.
    const refusals = admin.errors.filter((error) => error.includes('status of 409'));
    expect(refusals).toHaveLength(1);
    admin.errors.splice(0, admin.errors.length, ...admin.errors.filter((error) => !refusals.includes(error)));
  }, 60_000);

  it('an admin edits an IVR flow and a queue as JSON; the server\'s validation errors are shown with their paths', async () => {
    const admin = await open('admin', '/admin');
    const { page } = admin;
    await page.getByRole('tab', { name: 'IVR 流程' }).click();
    const flows = page.locator('[data-testid="admin-flows"]');
    await flows.locator('tr.el-table__row', { hasText: 'default' }).waitFor();
    await flows.locator('[data-testid="editor-key"]').fill('night');
    const menu = { type: 'menu', prompt: { tts: '夜间服务，请按 1 转人工' }, options: { '1': 'nowhere' }, timeoutMs: 5, onFailure: 'menu' };
    await flows.locator('[data-testid="editor-json"]').fill(JSON.stringify({ start: 'menu', nodes: { menu } }, null, 2));
    await flows.locator('[data-testid="editor-validate"]').click();
    await flows.locator('[data-testid="editor-issue"][data-path="nodes.menu.timeoutMs"]').waitFor({ timeout: 3_000 });
    // Saving is refused by the server with the graph error's path; nothing is saved.
    await flows.locator('[data-testid="editor-json"]').fill(JSON.stringify({ start: 'menu', nodes: { menu: { ...menu, timeoutMs: 5_000 } } }, null, 2));
    await flows.locator('[data-testid="editor-save"]').click();
    const graphIssue = flows.locator('[data-testid="editor-issue"][data-path="nodes.menu.options.1"]');
    await graphIssue.waitFor({ timeout: 3_000 });
    await expect(graphIssue.textContent()).resolves.toContain('names no node ("nowhere")');
    await page.screenshot({ path: join(ARTIFACTS, 'admin.ivr-flow-errors.zh-CN.png'), animations: 'disabled' });
    await expect(api.dataSource.query(`SELECT 1 FROM ivr_flows WHERE name = 'night'`)).resolves.toEqual([]);
    // Broken JSON never reaches the server.
    await flows.locator('[data-testid="editor-json"]').fill('{ "start": ');
    await flows.locator('[data-testid="editor-save"]').click();
    await flows.locator('[data-testid="editor-issue"][data-path=""]', { hasText: 'JSON 格式错误' }).waitFor();
    // Fixed: saved as version 1 (Ctrl+Enter), then published.
    const fixed = { start: 'menu', nodes: { menu: { ...menu, timeoutMs: 5_000, options: { '1': 'queue' }, onFailure: 'queue' }, queue: { type: 'queue' } } };
    await flows.locator('[data-testid="editor-json"]').fill(JSON.stringify(fixed, null, 2));
    await flows.locator('[data-testid="editor-json"]').press('Control+Enter');
    await flows.locator('[data-testid="editor-notice"]', { hasText: '已保存 night 第 1 版' }).waitFor({ timeout: 3_000 });
    await page.locator('[data-testid="flow-publish"]').click();
    // Published: the button goes, and the flow's "published" column (the second) says 1.
    await page.locator('[data-testid="flow-publish"]').waitFor({ state: 'detached', timeout: 8_000 });
    await flows.locator('tr.el-table__row', { hasText: 'night' }).locator('td').nth(1).filter({ hasText: /^1$/ }).waitFor({ timeout: 3_000 });
    await expect(api.dataSource.query(`SELECT published_version FROM ivr_flows WHERE name = 'night'`)).resolves.toEqual([{ published_version: 1 }]);

    await page.getByRole('tab', { name: '技能与队列' }).click();
    const queues = page.locator('[data-testid="admin-queues"]');
    await queues.locator('tr.el-table__row', { hasText: 'general' }).click();
    await expect(queues.locator('[data-testid="editor-key"]').inputValue()).resolves.toBe('general');
    const current = JSON.parse(await queues.locator('[data-testid="editor-json"]').inputValue()) as Record<string, unknown>;
    await queues.locator('[data-testid="editor-json"]').fill(JSON.stringify({ ...current, ringTimeoutSeconds: 2, overflowSkill: 'general' }, null, 2));
    await queues.locator('[data-testid="editor-save"]').click();
    await queues.locator('[data-testid="editor-issue"][data-path="ringTimeoutSeconds"]').waitFor({ timeout: 3_000 });
    await queues.locator('[data-testid="editor-json"]').fill(JSON.stringify({ ...current, wrapUpSeconds: 25 }, null, 2));
    await queues.locator('[data-testid="editor-save"]').click();
    await queues.locator('[data-testid="editor-notice"]').waitFor({ timeout: 8_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'admin.queues.zh-CN.png'), animations: 'disabled' });
    await expect(api.dataSource.query(`SELECT wrap_up_seconds FROM acd_skills WHERE code = 'general'`)).resolves.toEqual([{ wrap_up_seconds: 25 }]);
    // Chromium logs the two refusals (flow version, queue) as failed loads: expected here, and nothing else.
    const refusals = admin.errors.filter((error) => error.includes('status of 400'));
    expect(refusals).toHaveLength(2);
    admin.errors.splice(0, admin.errors.length, ...admin.errors.filter((error) => !refusals.includes(error)));
  }, 60_000);
});
