/**
 * The whole desk against the real thing: Asterisk 22, call-control (ACD on ARI), the api serving the built
 * web app, Chromium, a SIPp citizen calling 12345 and a SIPp phone at the agent's seat. The agent signs in
 * and goes ready in the browser; the call reaches them; the screen pop is timed against call-control's
 * offer; the order is saved linked to the call; the caller hangs up, wrap-up counts down and the agent is
 * ready again; the call's recording is finalised; the market unit signs and replies in its portal; the
 * supervisor's wallboard counts the call by push.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { findFreePorts } from '@hotline/provisioning';
import type { HotlineEvent } from '@hotline/realtime';
import { CallControlHarness, startCallControlHarness, waitFor, publishFlowOnLines } from '../support/call-control-harness';
import { REPO_ROOT } from '../support/api-test-server';
import { CHROMIUM_ARGS, loginAs, UserPage } from '../support/browser-session';
import { fillComplaintForMarketUnit, signAndReplyInUnitPortal } from '../support/browser-steps';
import { SippRunResult, SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { talkingCitizen } from '../support/sipp/talking-citizen';
import { ensureWebBuild } from '../support/web-build';

jest.setTimeout(10 * 60_000);

const ARTIFACTS = join(REPO_ROOT, 'test', 'artifacts');
const CALLER = '13800138000';
const AGENT_ID = 'li-min';
const WRAP_UP_SECONDS = 10;
/** Straight to the queue: this test is about the desk, the IVR has its own. */
const DIRECT_FLOW = { start: 'queue', nodes: { queue: { type: 'queue' } } };

describe('agent desk on a real call (Asterisk, call-control, api, web app in Chromium, SIPp citizen and agent phone)', () => {
  let h: CallControlHarness;
  let phone: SippUas;
  let browser: Browser;
  let agent: UserPage;
  let supervisor: UserPage;
  const opened: UserPage[] = [];
  let citizen: Promise<SippRunResult>;
  let secondCitizen: Promise<SippRunResult>;
  let callId: string;
  let orderNumber: string;
  let previousOrderNumber: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureWebBuild();
    const [phonePort] = (await findFreePorts(1)) as [number];
    // The agent's phone answers after 300 ms and never hangs up first: the citizen ends the call.
    phone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 300_000 }, localPort: phonePort, timeoutMs: 600_000 });
    h = await startCallControlHarness('agent-call', { rtpFrom: 48_000, rtpPorts: 100, withApi: true });
    await publishFlowOnLines(h.db, 'direct', DIRECT_FLOW);
    await h.db.query(`UPDATE acd_skills SET ring_timeout_seconds = 15, wrap_up_seconds = $1`, [WRAP_UP_SECONDS]);
    await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ('seat-101', '101 席', $1)`, [`sip:seat-101@127.0.0.1:${phonePort}`]);
    await h.db.query(`INSERT INTO acd_agents (id, name, user_id) SELECT $1, '话务员 李敏', id FROM users WHERE username = 'agent'`, [AGENT_ID]);
    await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ($1, 'general', 5)`, [AGENT_ID]);
    for (const what of ['ivr-flows', 'lines', 'seats', 'queues'] as const) expect(await h.commands.send('config.reload', { what, requestedBy: 'test' })).toMatchObject({ ok: true });
    // The caller has called before: an order answered on the spot, which the screen pop must list.
    const [category] = (await h.db.query(`SELECT id FROM categories WHERE code = 'market.consumer'`)).rows;
    const earlier = await h.api.http().post('/api/work-orders').set(await h.api.auth('agent')).send({
      channel: 'phone',
      type: 'consultation',
      categoryId: category.id,
      subject: '咨询预付卡退款流程',
      content: '诉求人咨询预付卡商家闭店后如何申请退款，已告知可向市场监管部门投诉。',
      caller: { phone: CALLER, name: '陈先生' },
      disposition: { kind: 'resolve_on_spot', answer: '已告知投诉渠道和所需材料。' },
    });
    expect({ status: earlier.status, body: earlier.status < 300 ? 'ok' : earlier.body }).toEqual({ status: 201, body: 'ok' });
    previousOrderNumber = earlier.body.workOrder.number;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    for (const user of opened) await user.context.close();
    await browser?.close();
    await h?.commands.send('agent.logout', { agentId: AGENT_ID, requestedBy: 'test' }).catch(() => undefined);
    await h?.close();
    await phone?.stop();
  });

  const open = async (username: string, landing: string) => {
    const user = await loginAs(browser, h.api.url, username, landing);
    opened.push(user);
    return user;
  };
  /** call-control's record of the agent's states (written behind the events, so tests wait for it). */
  const statesLogged = async () => (await h.db.query(`SELECT state FROM acd_agent_state_log WHERE agent_id = $1 ORDER BY id`, [AGENT_ID])).rows.map((row) => row.state as string);
  const call = (caller: string, holdMs: number) => talkingCitizen(h.asterisk.sipPort, caller, holdMs);
  const shot = (user: UserPage, name: string) => user.page.screenshot({ path: join(ARTIFACTS, name), animations: 'disabled' });
  const eventOf = <T extends HotlineEvent['type']>(type: T, id: string) => h.published.find((event) => event.type === type && (event.payload as { callId?: string }).callId === id);

  it('the agent signs in at a seat and goes ready in the browser; the wallboard shows the agent', async () => {
    supervisor = await open('supervisor', '/wallboard');
    agent = await open('agent', '/agent');
    const { page } = agent;
    await page.locator('[data-testid="agent-state"][data-state="logged_out"]').waitFor();
    await page.locator('[data-testid="agent-seat"]').fill('seat-101');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="agent-state"][data-state="not_ready"]').waitFor({ timeout: 5_000 });
    await page.keyboard.press('F8');
    await page.locator('[data-testid="agent-state"][data-state="ready"]').waitFor({ timeout: 5_000 });
    // call-control's own record agrees with the screen.
    await waitFor(async () => (await statesLogged()).length >= 2, 10_000, 'the state log');
    expect(await statesLogged()).toEqual(['not_ready', 'ready']);
    await supervisor.page.locator('[data-testid="agent-grid"]', { hasText: 'seat-101' }).waitFor({ timeout: 5_000 });
    await shot(agent, 'agent-call.ready.zh-CN.png');
  });

  it('a citizen calls 12345: the wallboard counts it and the desk pops it within 1 s of the offer', async () => {
    const started = supervisor.page.locator('[data-testid="count-started"]');
    const startedBefore = Number(await started.textContent());
    citizen = call(CALLER, 25_000);

    const pop = agent.page.locator('[data-testid="agent-calls"] li', { hasText: CALLER }).locator('.call-card__pop');
    await pop.waitFor({ timeout: 20_000 });
    const poppedAt = Date.now();
    const offered = h.published.find((event) => event.type === 'call.offered' && (event.payload as { agentId: string }).agentId === AGENT_ID);
    expect(offered).toBeDefined();
    callId = (offered!.payload as { callId: string }).callId;
    const popLatencyMs = poppedAt - Date.parse(offered!.occurredAt);
    // Measured from call-control's offer (the agent leg is being originated over ARI) to the pop on screen.
    process.stdout.write(`screen pop: ${popLatencyMs} ms after call.offered\n`);
    expect(popLatencyMs).toBeLessThan(1_000);

    await agent.page.locator('[data-testid="agent-state"][data-state="on_call"]').waitFor({ timeout: 10_000 });
    const connected = eventOf('call.connected', callId);
    expect(connected?.payload).toMatchObject({ agentId: AGENT_ID, skill: 'general' });
    await expect(agent.page.locator('[data-testid="field-caller-phone"]').inputValue()).resolves.toBe(CALLER);
    // Once answered, the pop shows the draft order call-control opened and the caller's earlier order.
    const card = agent.page.locator('[data-testid="agent-calls"] li', { hasText: CALLER });
    await card.locator('[data-testid="draft-order"]').waitFor({ timeout: 3_000 });
    await card.locator('[data-testid="previous-orders"]', { hasText: previousOrderNumber }).waitFor({ timeout: 3_000 });

    await supervisor.page.locator('[data-testid="count-started"]', { hasText: String(startedBefore + 1) }).waitFor({ timeout: 2_000 });
    await supervisor.page.locator('[data-testid="live-calls"] tr.el-table__row', { hasText: CALLER }).waitFor({ timeout: 2_000 });
    await supervisor.page.locator('[data-testid="agent-grid"] [data-state="on_call"]').waitFor({ timeout: 2_000 });
    // The queue's figures arrive by push too (the api asks call-control after each queue event): the call
    // was answered, no one waits now, and with the only agent on a call the next caller's wait is estimated.
    const queueRow = supervisor.page.locator('[data-testid="queue-grid"] tr.el-table__row', { hasText: 'general' });
    await queueRow.waitFor({ timeout: 3_000 });
    await expect(queueRow.locator('[data-testid="queue-longest-wait"]').textContent()).resolves.toBe('00:00');
    await queueRow.locator('[data-testid="queue-ewt"]', { hasText: /^\d\d:\d\d$/ }).waitFor({ timeout: 3_000 });
    await shot(supervisor, 'agent-call.wallboard.zh-CN.png');
    await shot(agent, 'agent-call.pop.zh-CN.png');
  });

  it('the agent fills and saves the order during the call; it is linked to the call', async () => {
    const { page } = agent;
    // The caller gives an ID number: the agent pauses the recording, then resumes it (AMI MixMonitorMute).
    const toggle = page.locator('[data-testid="recording-toggle"]');
    await toggle.click();
    await page.locator('[data-testid="recording-toggle"]', { hasText: '恢复录音' }).waitFor({ timeout: 5_000 });
    await toggle.click();
    await page.locator('[data-testid="recording-toggle"]', { hasText: '暂停录音' }).waitFor({ timeout: 5_000 });
    // At the end of a call the agent could hand the caller to the satisfaction prompt (test/telephony/service-rating.spec.ts).
    await expect(page.locator('[data-testid="rate-service"]').textContent()).resolves.toContain('转满意度评价');
    // The call's timeline is written behind the call (in batches): wait for the two entries.
    const control = async () => (await h.db.query(`SELECT type FROM call_events WHERE call_id = $1 AND type LIKE 'recording.%' ORDER BY sequence`, [callId])).rows.map((row) => row.type);
    await waitFor(async () => (await control()).length >= 2, 10_000, 'the recording pause and resume in the timeline');
    expect(await control()).toEqual(['recording.paused', 'recording.resumed']);
    await fillComplaintForMarketUnit(page, {
      callerName: '陈先生',
      subject: '预付卡商家闭店拒不退款',
      content: '诉求人在博乐市某美容店办理预付卡，商家突然闭店，余额约 1500 元无法退还，要求协调退款。',
    });
    await shot(agent, 'agent-call.form.zh-CN.png');
    await page.keyboard.press('Alt+KeyS');
    const saved = page.locator('[data-testid="agent-saved"]');
    await saved.waitFor({ timeout: 10_000 });
    const text = (await saved.textContent()) ?? '';
    expect(text).toMatch(/工单 \d{13} 已派往 州市场监督管理局/);
    orderNumber = /\d{13}/.exec(text)![0];
    const linked = await h.db.query(`SELECT c.call_id FROM work_order_calls c JOIN work_orders o ON o.id = c.order_id WHERE o.number = $1`, [orderNumber]);
    expect(linked.rows).toEqual([{ call_id: callId }]);
    // Filed from the call's draft: call-control's draft is marked filed.
    const drafts = await h.db.query(`SELECT status FROM call_order_drafts WHERE call_id = $1`, [callId]);
    expect(drafts.rows.map((row) => row.status)).not.toContain('open');
  });

  it('the caller hangs up: wrap-up counts down on the desk, then the agent is ready again; the recording is finalised', async () => {
    const { page } = agent;
    const result = await citizen;
    expect(result.counters.successfulCalls).toBe(1);
    const wrapUp = page.locator('[data-testid="wrap-up-remaining"]');
    await wrapUp.waitFor({ timeout: 5_000 });
    await expect(page.locator('[data-testid="agent-state"]').getAttribute('data-state')).resolves.toBe('wrap_up');
    const first = Number(await wrapUp.getAttribute('data-seconds'));
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(WRAP_UP_SECONDS);
    await shot(agent, 'agent-call.wrap-up.zh-CN.png');
    // It counts down, second by second.
    await page.locator(`[data-testid="wrap-up-remaining"][data-seconds="${first - 1}"]`).waitFor({ timeout: 2_500 });
    // A reload in wrap-up keeps counting down from call-control's end time (in the state log), not from zero.
    await waitFor(async () => (await h.db.query(`SELECT 1 FROM acd_agent_state_log WHERE agent_id = $1 AND state = 'wrap_up' AND wrap_until IS NOT NULL`, [AGENT_ID])).rowCount === 1, 5_000, 'the wrap-up end in the state log');
    await page.reload();
    const afterReload = Number(await page.locator('[data-testid="wrap-up-remaining"]').getAttribute('data-seconds', { timeout: 5_000 }));
    expect(afterReload).toBeGreaterThan(0);
    expect(afterReload).toBeLessThan(first);
    await page.locator('[data-testid="agent-state"][data-state="ready"]').waitFor({ timeout: (WRAP_UP_SECONDS + 5) * 1_000 });
    await wrapUp.waitFor({ state: 'detached' });
    await waitFor(async () => (await statesLogged()).length >= 6, 10_000, 'the state log');
    expect(await statesLogged()).toEqual(['not_ready', 'ready', 'ringing', 'on_call', 'wrap_up', 'ready']);

    await waitFor(async () => (await h.db.query(`SELECT 1 FROM recordings WHERE call_id = $1 AND status = 'finalised'`, [callId])).rowCount === 1, 30_000, 'the call recording');
    const recording = (await h.db.query(`SELECT duration_ms FROM recordings WHERE call_id = $1`, [callId])).rows[0];
    expect(recording.duration_ms).toBeGreaterThan(5_000);

    // The agent's call history lists the call with its order; the order shows the call and its recording.
    const historyRow = page.locator(`[data-testid="call-history"] li[data-call-id="${callId}"]`);
    await historyRow.waitFor({ timeout: 5_000 });
    await historyRow.locator('[data-testid="history-order"]', { hasText: orderNumber }).click();
    const detail = page.locator('[data-testid="order-detail"]');
    await detail.waitFor({ timeout: 5_000 });
    await detail.locator('[data-testid="order-calls"] tr.el-table__row').first().waitFor();
    await expect(detail.locator('[data-testid="order-calls"] tr.el-table__row').count()).resolves.toBe(1);
    const tag = detail.locator('[data-testid="order-call-recording"]');
    await expect(tag.getAttribute('data-status')).resolves.toBe('finalised');
    await expect(tag.textContent()).resolves.toContain(`${Math.round(recording.duration_ms / 1000)} 秒`);
    await shot(agent, 'agent-call.order-calls.zh-CN.png');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });
    // Today's figures on the wallboard count the answered call.
    await supervisor.page.locator('[data-testid="tile-answered"]', { hasText: '1' }).waitFor({ timeout: 3_000 });
    await shot(supervisor, 'agent-call.wallboard-after.zh-CN.png');
    expect(agent.errors).toEqual([]);
    expect(supervisor.errors).toEqual([]);
  });

  it('the market unit signs the order and replies in its portal', async () => {
    const unit = await open('market.handler', '/unit');
    await signAndReplyInUnitPortal(unit.page, orderNumber, () => shot(unit, 'agent-call.unit-reply.zh-CN.png').then(() => undefined));
    const order = (await h.db.query(`SELECT status FROM work_orders WHERE number = $1`, [orderNumber])).rows[0];
    expect(order.status).toBe('replied');
    expect(unit.errors).toEqual([]);
  });

  it('a caller waits while the agent is not ready: the wallboard shows the wait growing, by push; ready takes the call', async () => {
    const { page } = agent;
    await page.keyboard.press('F9');
    await page.locator('[data-testid="agent-state"][data-state="not_ready"]').waitFor({ timeout: 5_000 });
    secondCitizen = call('13900139000', 20_000);
    const waiting = supervisor.page.locator('[data-testid="tile-waiting"] .tile__value');
    await supervisor.page.locator('[data-testid="tile-waiting"] .tile__value', { hasText: /^1$/ }).waitFor({ timeout: 10_000 });
    const queueRow = supervisor.page.locator('[data-testid="queue-grid"] tr.el-table__row', { hasText: 'general' });
    // The longest wait counts up on the wall between pushes; with no agent working, the wait cannot be estimated.
    await queueRow.locator('[data-testid="queue-longest-wait"]', { hasText: /^00:0[3-9]$/ }).waitFor({ timeout: 6_000 });
    await expect(queueRow.locator('[data-testid="queue-ewt"]').textContent()).resolves.toBe('—');
    await expect(supervisor.page.locator('[data-testid="tile-longest-wait"] .tile__value').textContent()).resolves.toMatch(/^00:0[3-9]$/);
    await supervisor.page.locator('[data-testid="live-calls"] tr.el-table__row', { hasText: '13900139000' }).locator('[data-testid="live-call-queued"]').waitFor({ timeout: 2_000 });
    // Today's answered count is the queues' (agent answers): the waiting caller is not in it.
    await expect(supervisor.page.locator('[data-testid="tile-answered"] .tile__value').textContent()).resolves.toBe('1');
    await shot(supervisor, 'agent-call.wallboard-waiting.zh-CN.png');

    await page.keyboard.press('F8');
    await page.locator('[data-testid="agent-calls"] li', { hasText: '13900139000' }).locator('.call-card__pop').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="agent-state"][data-state="on_call"]').waitFor({ timeout: 10_000 });
    await supervisor.page.locator('[data-testid="tile-waiting"] .tile__value', { hasText: /^0$/ }).waitFor({ timeout: 3_000 });
    await expect(waiting.textContent()).resolves.toBe('0');
    await expect(queueRow.locator('[data-testid="queue-longest-wait"]').textContent()).resolves.toBe('00:00');
    expect((await secondCitizen).counters.successfulCalls).toBe(1);
    await page.locator('[data-testid="agent-state"][data-state="ready"]').waitFor({ timeout: (WRAP_UP_SECONDS + 10) * 1_000 });
    // The same desk in English, for the record.
    await page.locator('[data-testid="language-switch"]').getByText('English').click();
    await page.locator('[data-testid="agent-state-panel"]', { hasText: 'Agent state' }).waitFor();
    await shot(agent, 'agent-call.desk.en.png');
    expect(agent.errors).toEqual([]);
    expect(supervisor.errors).toEqual([]);
  });
});
