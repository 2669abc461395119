import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { ApiTestServer, REPO_ROOT } from '../support/api-test-server';
import { apiCall, createDispatchedOrder, loginToken, OrderView, startSeededApi, unitIds } from '../support/browser-fixtures';
import { CHROMIUM_ARGS, loginAs, UserPage } from '../support/browser-session';
import { ensureWebBuild } from '../support/web-build';

const ARTIFACTS = join(REPO_ROOT, 'test', 'artifacts');

describe('manual follow-ups (人工回访) page: Chromium against the api in-process, real Postgres + Redis', () => {
  let api: ApiTestServer;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  const opened: UserPage[] = [];

  /** Dispatched, handled and accepted over HTTP, then rated dissatisfied on a manual call: a follow-up opens. */
  async function dissatisfiedOrder(subject: string, comment: string): Promise<OrderView> {
    const units = await unitIds(api);
    let order = await createDispatchedOrder(api, tokens.agent!, units['city.market']!, { subject });
    const step = async (who: string, command: string, body: Record<string, unknown>) =>
      (order = (await apiCall<{ workOrder: OrderView }>(api.url, tokens[who]!, 'POST', `/work-orders/${order.id}/${command}`, { version: order.version, ...body })).workOrder);
    await step('market.handler', 'sign', {});
    await step('market.handler', 'reply', {
      basis: '《消费者权益保护法》第二十四条',
      finding: '经核实已责令下架',
      callerAnswer: '已电话告知诉求人处理结果',
      callerAnsweredAt: new Date().toISOString(),
    });
    await step('reviewer', 'review', { decision: 'accept' });
    await step('quality', 'rating', { handlingLevel: 'dissatisfied', surveyChannel: 'manual_call', comment });
    expect(order.status).toBe('follow_up');
    return order;
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureWebBuild();
    api = await startSeededApi('followups');
    for (const username of ['agent', 'market.handler', 'reviewer', 'quality']) tokens[username] = await loginToken(api.url, username);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  afterEach(async () => {
    for (const user of opened.splice(0)) {
      expect(user.errors).toEqual([]);
      await user.context.close();
    }
  });

  it('quality staff classify one follow-up as the unit’s handling (reopened to the unit) and one as policy limits (closed, not reopened)', async () => {
    const handling = await dissatisfiedOrder('超市拒不退还过期食品货款', '单位只打了电话，没有上门核查，问题没解决');
    const policy = await dissatisfiedOrder('要求超市赔偿十倍货款', '希望十倍赔偿');

    const user = await loginAs(browser, api.url, 'quality', '/wallboard');
    opened.push(user);
    const { page } = user;
    await page.locator('[data-testid="nav-followUps"]').click();
    await page.waitForURL(`${api.url}/follow-ups`);
    const rows = page.locator('[data-testid="follow-ups"] tr.el-table__row');
    const handlingRow = rows.filter({ hasText: handling.number });
    await handlingRow.waitFor({ timeout: 5_000 });
    // The list says what the citizen said, how and how they rated.
    const text = await handlingRow.textContent();
    expect(text).toContain('超市拒不退还过期食品货款');
    expect(text).toContain('不满意');
    expect(text).toContain('人工电话');
    expect(text).toContain('单位只打了电话');
    await rows.filter({ hasText: policy.number }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'follow-ups.list.zh-CN.png'), animations: 'disabled' });

    // Handling: reopened (重办) to the unit.
    await handlingRow.locator('[data-testid="follow-up-classify"]').click();
    const dialog = page.locator('.el-dialog', { has: page.locator('[data-testid="follow-up-history"]') });
    await dialog.locator('[data-testid="follow-up-history"] tr.el-table__row', { hasText: '不满意' }).waitFor();
    await expect(dialog.locator('[data-testid="follow-up-submit"]').isDisabled()).resolves.toBe(true);
    await dialog.locator('[data-testid="cause-handling"]').click();
    await dialog.locator('[data-testid="follow-up-notes"]').fill('回访核实：承办单位未上门核查，市民诉求未解决，退回重办');
    await page.screenshot({ path: join(ARTIFACTS, 'follow-ups.classify.zh-CN.png'), animations: 'disabled' });
    await dialog.locator('[data-testid="follow-up-submit"]').click();
    const result = page.locator('[data-testid="follow-up-result"][data-cause="handling"]');
    await result.waitFor({ timeout: 5_000 });
    await expect(result.textContent()).resolves.toContain(`工单 ${handling.number} 已重办`);
    await handlingRow.waitFor({ state: 'detached', timeout: 5_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'follow-ups.reopened.zh-CN.png'), animations: 'disabled' });
    // 重办: back with the same lead unit, handling again.
    const reopened = await apiCall<OrderView & { leadUnitId: string }>(api.url, tokens.quality!, 'GET', `/work-orders/${handling.id}`);
    expect(reopened).toMatchObject({ status: 'handling', leadUnitId: (await unitIds(api))['city.market'] });
    await expect(api.dataSource.query(`SELECT reopen_count FROM work_orders WHERE id = $1`, [handling.id])).resolves.toEqual([{ reopen_count: 1 }]);
    const [task] = await api.dataSource.query(`SELECT status, cause, notes FROM survey_follow_ups WHERE order_id = $1`, [handling.id]);
    expect(task).toEqual({ status: 'classified', cause: 'handling', notes: '回访核实：承办单位未上门核查，市民诉求未解决，退回重办' });

    // Policy limits: the follow-up ends, the order is not reopened.
    await rows.filter({ hasText: policy.number }).locator('[data-testid="follow-up-classify"]').click();
    await dialog.locator('[data-testid="cause-policy"]').click();
    await dialog.locator('[data-testid="follow-up-notes"]').fill('十倍赔偿须经司法途径，已向市民解释政策');
    await dialog.locator('[data-testid="follow-up-submit"]').click();
    await page.locator('[data-testid="follow-up-result"][data-cause="policy"]').waitFor({ timeout: 5_000 });
    await rows.filter({ hasText: policy.number }).waitFor({ state: 'detached', timeout: 5_000 });
    const kept = await apiCall<OrderView>(api.url, tokens.quality!, 'GET', `/work-orders/${policy.id}`);
    expect(kept.status).toBe('closed');
    await expect(api.dataSource.query(`SELECT reopen_count FROM work_orders WHERE id = $1`, [policy.id])).resolves.toEqual([{ reopen_count: 0 }]);
    await expect(api.dataSource.query(`SELECT status, cause FROM survey_follow_ups WHERE order_id = $1`, [policy.id])).resolves.toEqual([{ status: 'classified', cause: 'policy' }]);

    // Both now under "classified", with their causes.
    await page.locator('[data-testid="follow-up-status"]').getByText('已分类').click();
    await rows.filter({ hasText: policy.number }).filter({ hasText: '政策限制' }).waitFor({ timeout: 5_000 });
    await rows.filter({ hasText: handling.number }).filter({ hasText: '承办单位办理问题' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'follow-ups.classified.zh-CN.png'), animations: 'disabled' });
    await page.locator('[data-testid="language-switch"]').getByText('English').click();
    await rows.filter({ hasText: policy.number }).filter({ hasText: 'Policy limits' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'follow-ups.classified.en.png'), animations: 'disabled' });
  }, 90_000);
});
