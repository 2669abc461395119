/**
 * The transfer panel on the agent desk against the real thing: Asterisk, call-control, the api serving the
 * built web app in Chromium, a SIPp citizen, a SIPp agent phone and a SIPp "110 dispatcher" behind the
 * carrier. The agent picks 110 from the allow-list, transfers warm, sees the consult, completes, and the
 * panel shows the outcome from the live transfer events.
 */
import { Browser, chromium } from 'playwright-core';
import { findFreePorts } from '@hotline/provisioning';
import { CallControlHarness, startCallControlHarness, waitFor, publishFlowOnLines } from '../support/call-control-harness';
import { closeAfterRecordings } from '../support/call-control-processes';
import { CHROMIUM_ARGS, loginAs, UserPage } from '../support/browser-session';
import { SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { talkingCitizen } from '../support/sipp/talking-citizen';
import { ensureWebBuild } from '../support/web-build';

jest.setTimeout(10 * 60_000);

const CALLER = '13800138077';
const DIRECT_FLOW = { start: 'queue', nodes: { queue: { type: 'queue' } } };

describe('agent desk transfer panel (Asterisk, call-control, api, web app in Chromium, SIPp citizen, agent and 110)', () => {
  let h: CallControlHarness;
  let phone: SippUas;
  let dispatcher: SippUas;
  let browser: Browser;
  let agent: UserPage;

  beforeAll(async () => {
    await ensureWebBuild();
    const [phonePort, carrierPort] = (await findFreePorts(2)) as [number, number];
    phone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 300_000 }, localPort: phonePort, timeoutMs: 600_000 });
    dispatcher = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 500, TALK_MS: 5_000 }, localPort: carrierPort, timeoutMs: 600_000 });
    h = await startCallControlHarness('xfer-desk', {
      rtpFrom: 49_400,
      rtpPorts: 100,
      withApi: true,
      config: { OUTBOUND_ENDPOINT_TEMPLATE: `PJSIP/carrier/sip:{number}@127.0.0.1:${carrierPort}` },
    });
    await publishFlowOnLines(h.db, 'direct', DIRECT_FLOW);
    await h.db.query(`UPDATE acd_skills SET ring_timeout_seconds = 15, wrap_up_seconds = 2`);
    await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ('seat-101', '101 席', $1)`, [`sip:seat-101@127.0.0.1:${phonePort}`]);
    await h.db.query(`INSERT INTO acd_agents (id, name, user_id) SELECT 'li-min', '话务员 李敏', id FROM users WHERE username = 'agent'`);
    await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ('li-min', 'general', 5)`);
    for (const what of ['ivr-flows', 'lines', 'seats', 'queues'] as const) expect(await h.commands.send('config.reload', { what, requestedBy: 'test' })).toMatchObject({ ok: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(() =>
    closeAfterRecordings(
      h,
      () => agent?.context.close(),
      () => browser?.close(),
      () => h?.commands.send('agent.logout', { agentId: 'li-min', requestedBy: 'test' }).catch(() => undefined),
      () => h?.close(),
      () => phone?.stop(),
      () => dispatcher?.stop(),
    ),
  );

  it('warm transfer to 110 from the call card: consult, complete, outcome shown; the trail has it', async () => {
    agent = await loginAs(browser, h.api.url, 'agent', '/agent');
    const { page } = agent;
    await page.locator('[data-testid="agent-state"][data-state="logged_out"]').waitFor();
    await page.locator('[data-testid="agent-seat"]').fill('seat-101');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="agent-state"][data-state="not_ready"]').waitFor({ timeout: 5_000 });
    await page.keyboard.press('F8');
    await page.locator('[data-testid="agent-state"][data-state="ready"]').waitFor({ timeout: 5_000 });

    const citizen = talkingCitizen(h.asterisk.sipPort, CALLER, 60_000);
    const card = page.locator('[data-testid="agent-calls"] li', { hasText: CALLER });
    const panel = card.locator('[data-testid="transfer-panel"]');
    await panel.waitFor({ timeout: 20_000 });
    await panel.locator('[data-testid="transfer-pick"]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '110' }).first().click();
    await panel.locator('[data-testid="transfer-warm"]').click();
    await panel.locator('[data-testid="transfer-state"]', { hasText: '110 · 咨询中' }).waitFor({ timeout: 10_000 });
    await panel.locator('[data-testid="transfer-complete"]').click();
    await panel.locator('[data-testid="transfer-state"]', { hasText: '110 · 已转接' }).waitFor({ timeout: 4_000 });
    await waitFor(async () => (await h.db.query(`SELECT 1 FROM call_transfers WHERE destination_number = '110' AND outcome = 'completed'`)).rowCount === 1, 10_000, 'the completed transfer row');
    // The dispatcher hangs up after 5 s: the citizen's call ends.
    expect((await citizen).logLines).toContain('hangup=remote');
    const row = (await h.db.query(`SELECT t.*, c.caller_number FROM call_transfers t JOIN calls c ON c.id = t.call_id`)).rows[0];
    expect(row).toMatchObject({ caller_number: CALLER, mode: 'warm', agent_id: 'li-min', requested_by: 'agent', emergency: true });
    expect(agent.errors).toEqual([]);
  });
});
