/**
 * The ACD on ARI against the real Asterisk: SIPp citizens call in, SIPp UAS processes play the agents'
 * phones (seats provisioned from Postgres into PJSIP and reloaded over AMI), the matching happens in Redis.
 * Proves longest-idle selection, priority order, RONA, wrap-up, abandonment with automatic callback,
 * overflow, callback that keeps the caller's place, announcements and service-level figures.
 */
import { findFreePorts } from '@hotline/provisioning';
import { addCivilDays, shanghaiDate, startOfShanghaiDay } from '@hotline/sla';
import { runSipp, SippRunResult, SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor, publishFlowOnLines } from '../support/call-control-harness';
import { dtmfPcapXml } from '../support/sipp/sipp.runner';

jest.setTimeout(15 * 60_000);

const DIRECT_FLOW = {
  start: 'elderly',
  nodes: {
    elderly: { type: 'condition', check: { kind: 'caller-list', list: 'elderly' }, then: 'front', else: 'queue' },
    front: { type: 'queue', priority: 50 },
    queue: { type: 'queue' },
  },
};

/** Longer than the suite takes (103 s in a CI run on 2 vCPUs), so it never runs across midnight in China. */
const SUITE_MARGIN_MS = 5 * 60_000;

describe('ACD on ARI with state in Redis (real Asterisk, SIPp citizens and agent phones)', () => {
  let h: CallControlHarness;
  let phones: SippUas;
  let deadPhones: SippUas;
  let citizens: SippUas;

  // The last test reads today's queue figures, and the day is China's: a suite run across 00:00 China time
  // (16:00 UTC) finds them reset, as the product should (a CI run did). Started that close, it waits first.
  beforeAll(async () => {
    const untilMidnight = startOfShanghaiDay(addCivilDays(shanghaiDate(new Date()), 1)).getTime() - Date.now();
    if (untilMidnight > SUITE_MARGIN_MS) return;
    process.stderr.write(`[acd] waiting ${Math.ceil(untilMidnight / 1000)} s for 00:00 China time, so today's figures cover the whole suite\n`);
    await new Promise((resolve) => setTimeout(resolve, untilMidnight + 1_000));
  }, SUITE_MARGIN_MS + 60_000);

  beforeAll(async () => {
    const [phonePort, deadPort, citizenPort] = (await findFreePorts(3)) as number[];
    phones = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 700, TALK_MS: 2_500 }, localPort: phonePort!, timeoutMs: 900_000 });
    deadPhones = await startSippUas({ scenarioFile: SIPP_SCENARIOS.deadPhone, localPort: deadPort!, timeoutMs: 900_000 });
    citizens = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 500, TALK_MS: 2_000 }, localPort: citizenPort!, timeoutMs: 900_000 });
    h = await startCallControlHarness('acd', {
      rtpFrom: 52_000,
      rtpPorts: 200,
      config: { OUTBOUND_ENDPOINT_TEMPLATE: `PJSIP/carrier/sip:{number}@127.0.0.1:${citizenPort}` },
    });
    // A flow straight to the queue keeps these tests about the ACD (the IVR has its own).
    await publishFlowOnLines(h.db, 'direct', DIRECT_FLOW, ['12345', '12369']);
    await h.db.query(`UPDATE acd_skills SET ring_timeout_seconds = 5, wrap_up_seconds = 2, announce_every_seconds = 600, max_wait_seconds = 3600`);
    // Seats 1-6 answer, seat 9 never does; agents a1-a6 have general, e1 environment only.
    for (const seat of [1, 2, 3, 4, 5, 6]) await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ($1, $1, $2)`, [`seat-${seat}`, `sip:seat-${seat}@127.0.0.1:${phonePort}`]);
    await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ('seat-9', 'seat-9', $1)`, [`sip:seat-9@127.0.0.1:${deadPort}`]);
    for (const agent of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a9']) {
      await h.db.query(`INSERT INTO acd_agents (id, name) VALUES ($1, $1)`, [agent]);
      await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ($1, 'general', 5)`, [agent]);
    }
    await h.db.query(`INSERT INTO acd_agents (id, name) VALUES ('e1', 'e1')`);
    await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ('e1', 'environment', 5)`);
    for (const what of ['ivr-flows', 'lines', 'seats', 'queues'] as const) expect(await h.commands.send('config.reload', { what, requestedBy: 'test' })).toMatchObject({ ok: true });
    expect(await h.asterisk.rx('pjsip show endpoints')).toContain('seat-9');
  });

  afterAll(async () => {
    for (const agent of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a9', 'e1']) await h?.commands.send('agent.logout', { agentId: agent, requestedBy: 'test' }).catch(() => undefined);
    await h?.close();
    await phones?.stop();
    await deadPhones?.stop();
    await citizens?.stop();
  });

  const command = async (type: Parameters<CallControlHarness['commands']['send']>[0], payload: Record<string, unknown>) => {
    const result = await h.commands.send(type, { requestedBy: 'test', ...payload } as never);
    if (!result.ok) throw new Error(`${type} refused: ${result.error.code} ${result.error.message}`);
    return result.result;
  };
  const login = async (agentId: string, seat: string, ready = true) => {
    await command('agent.login', { agentId, seat });
    if (ready) await command('agent.set-state', { agentId, state: 'ready' });
  };
  const logoutAll = async (...agents: string[]) => {
    for (const agentId of agents) {
      await waitFor(async () => {
        const result = await h.commands.send('agent.logout', { agentId, requestedBy: 'test' });
        return result.ok || result.error.code !== 'AGENT_BUSY';
      }, 30_000, `${agentId} to be free to log out`);
    }
  };

  /** One citizen: talks (audio both ways), optionally presses keys, stays up to `holdMs` or until the ACD hangs up. */
  const citizen = async (caller: string, holdMs: number, options: { service?: string; digits?: string; preMs?: number } = {}): Promise<SippRunResult> => {
    const [sipPort, rtpPort] = (await findFreePorts(2)) as [number, number];
    const dtmf = options.digits ? await dtmfPcapXml(options.digits) : { xml: '' };
    return runSipp({
      scenarioFile: SIPP_SCENARIOS.citizenTalk,
      variables: { PRE_DTMF_MS: options.preMs ?? 500, DTMF_SEQUENCE: dtmf.xml, POST_DTMF_MS: holdMs },
      service: options.service ?? '12345',
      remoteHost: '127.0.0.1',
      remotePort: h.asterisk.sipPort,
      localPort: sipPort,
      keys: { caller, rtp_port: rtpPort },
      timeoutMs: holdMs + 60_000,
    });
  };
  const callOf = async (caller: string) => (await h.db.query(`SELECT * FROM calls WHERE caller_number = $1 AND direction = 'inbound' ORDER BY started_at DESC LIMIT 1`, [caller])).rows[0];
  const eventsOf = async (callId: string) => (await h.db.query(`SELECT type, occurred_at, payload FROM call_events WHERE call_id = $1 ORDER BY sequence`, [callId])).rows;
  const connectedOf = async (caller: string) => {
    const call = await callOf(caller);
    return call ? (await eventsOf(call.id)).find((event) => event.type === 'call.connected') : undefined;
  };
  const waitQueued = (caller: string) => waitFor(async () => {
    const call = await callOf(caller);
    return !!call && (await eventsOf(call.id)).some((event) => event.type === 'call.queued');
  }, 20_000, `${caller} to be queued`);

  it('offers a call to the longest-idle ready agent, and puts agents in wrap-up after the call', async () => {
    await login('a1', 'seat-1');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await login('a2', 'seat-2');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await login('a3', 'seat-3');
    const first = citizen('13700000001', 30_000);
    await waitFor(async () => !!(await connectedOf('13700000001')), 20_000, 'the first call to connect');
    expect((await connectedOf('13700000001')).payload).toMatchObject({ agentId: 'a1', skill: 'general' });
    const second = citizen('13700000002', 30_000);
    await waitFor(async () => !!(await connectedOf('13700000002')), 20_000, 'the second call to connect');
    expect((await connectedOf('13700000002')).payload).toMatchObject({ agentId: 'a2' });
    expect((await first).logLines).toContain('hangup=remote');
    await second;
    // The agent hung up after talking (TALK_MS); wrap-up (2 s) then ready again.
    const states = async (agent: string) => (await h.db.query(`SELECT state, reason FROM acd_agent_state_log WHERE agent_id = $1 ORDER BY id`, [agent])).rows.map((row) => row.state);
    await waitFor(async () => (await states('a1')).at(-1) === 'ready', 10_000, 'a1 to be ready after wrap-up');
    expect(await states('a1')).toEqual(['not_ready', 'ready', 'ringing', 'on_call', 'wrap_up', 'ready']);
    const events = await eventsOf((await callOf('13700000001')).id);
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['call.queued', 'call.offered', 'call.connected', 'call.work-order-draft', 'call.ended']));
    // The agent put the phone down: the caller's call ends with the agent leg's cause, normal clearing.
    expect((await callOf('13700000001')).hangup_cause).toBe(16);
    expect((await h.db.query(`SELECT kind, agent_id, status FROM call_order_drafts WHERE call_id = $1`, [(await callOf('13700000001')).id])).rows).toEqual([{ kind: 'call', agent_id: 'a1', status: 'open' }]);
    await logoutAll('a1', 'a2', 'a3');
  });

  it('serves callers by priority (elderly first), then in arrival order, each to one agent', async () => {
    await h.db.query(`INSERT INTO caller_lists (list, number, added_by) VALUES ('elderly', '13700000013', 'test')`);
    const calls = [citizen('13700000011', 60_000)];
    await waitQueued('13700000011');
    calls.push(citizen('13700000012', 60_000));
    await waitQueued('13700000012');
    calls.push(citizen('13700000013', 60_000));
    await waitQueued('13700000013');
    await login('a4', 'seat-4');
    await Promise.all(calls);
    const order = await h.db.query(
      `SELECT c.caller_number, e.payload->>'agentId' AS agent FROM call_events e JOIN calls c ON c.id = e.call_id
       WHERE e.type = 'call.connected' AND c.caller_number IN ('13700000011', '13700000012', '13700000013') ORDER BY e.occurred_at`,
    );
    expect(order.rows.map((row) => row.caller_number)).toEqual(['13700000013', '13700000011', '13700000012']);
    expect(order.rows.every((row) => row.agent === 'a4')).toBe(true);
    const queued = (await eventsOf((await callOf('13700000013')).id)).find((event) => event.type === 'call.queued');
    expect(queued.payload).toMatchObject({ priority: 50, priorityReasons: ['flow+50'] });
    await logoutAll('a4');
  });

  it('RONA: an agent who does not answer is made not ready, and the caller keeps the place for the next agent', async () => {
    await login('a9', 'seat-9');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await login('a5', 'seat-5');
    const result = await citizen('13700000021', 40_000);
    expect(result.counters.successfulCalls).toBe(1);
    const events = await eventsOf((await callOf('13700000021')).id);
    const types = events.map((event) => event.type);
    expect(types.filter((type) => ['call.offered', 'call.rona', 'call.connected'].includes(type))).toEqual(['call.offered', 'call.rona', 'call.offered', 'call.connected']);
    expect(events.find((event) => event.type === 'call.rona').payload).toMatchObject({ agentId: 'a9' });
    expect(events.find((event) => event.type === 'call.connected').payload).toMatchObject({ agentId: 'a5' });
    const a9 = (await h.db.query(`SELECT state, reason FROM acd_agent_state_log WHERE agent_id = 'a9' ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(a9).toEqual({ state: 'not_ready', reason: 'rona' });
    const offer = events.filter((event) => event.type === 'call.offered');
    // Ring timeout of the queue (5 s) between the two offers.
    expect(offer[1].occurred_at.getTime() - offer[0].occurred_at.getTime()).toBeGreaterThanOrEqual(4_500);
    await logoutAll('a9', 'a5');
  });

  it('an abandoned call is listed and called back automatically when an agent frees up', async () => {
    await citizen('13700000031', 6_000);
    const abandonedOf = async () => (await eventsOf((await callOf('13700000031')).id)).find((event) => event.type === 'call.abandoned');
    await waitFor(async () => !!(await abandonedOf()), 10_000, 'the abandonment to be recorded');
    const abandoned = await abandonedOf();
    expect(abandoned.payload).toMatchObject({ skill: 'general', callbackQueued: true });
    expect((await h.db.query(`SELECT outcome FROM acd_queue_calls WHERE call_id = $1`, [(await callOf('13700000031')).id])).rows[0].outcome).toBe('abandoned');
    // Promised to the citizen, the callback is queued off the call's path, once the call's row is written.
    await waitFor(async () => (await h.db.query(`SELECT 1 FROM acd_callbacks WHERE number = '13700000031'`)).rowCount === 1, 5_000, 'the callback to be queued');
    const [callback] = (await h.db.query(`SELECT * FROM acd_callbacks WHERE number = '13700000031'`)).rows;
    expect(callback).toMatchObject({ reason: 'abandoned', status: 'queued' });

    await login('a6', 'seat-6');
    await waitFor(async () => (await h.db.query(`SELECT status FROM acd_callbacks WHERE id = $1`, [callback.id])).rows[0].status === 'connected', 30_000, 'the callback to connect');
    const [done] = (await h.db.query(`SELECT * FROM acd_callbacks WHERE id = $1`, [callback.id])).rows;
    expect(done).toMatchObject({ agent_id: 'a6', attempts: 1 });
    const [outbound] = (await h.db.query(`SELECT * FROM calls WHERE id = $1`, [done.callback_call_id])).rows;
    expect(outbound).toMatchObject({ direction: 'outbound', caller_number: '13700000031' });
    // The callback is recorded like any call (MixMonitor in the outbound dialplan).
    await waitFor(async () => (await h.db.query(`SELECT 1 FROM recordings WHERE call_id = $1 AND status = 'finalised'`, [outbound.id])).rowCount === 1, 30_000, 'the callback recording');
    await logoutAll('a6');
  });

  it('overflows a caller to another skill at the maximum wait, keeping their place there', async () => {
    await h.db.query(`UPDATE acd_skills SET max_wait_seconds = 10, overflow_skill = 'general' WHERE code = 'environment'`);
    await command('config.reload', { what: 'queues' });
    const calling = citizen('13700000041', 40_000, { service: '12369' });
    await waitQueued('13700000041');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await login('a1', 'seat-1');
    await calling;
    const events = await eventsOf((await callOf('13700000041')).id);
    const overflowed = events.find((event) => event.type === 'call.overflowed');
    expect(overflowed.payload).toMatchObject({ fromSkill: 'environment', toSkill: 'general' });
    expect(overflowed.payload.waitMs).toBeGreaterThanOrEqual(9_500);
    expect(events.find((event) => event.type === 'call.connected').payload).toMatchObject({ agentId: 'a1', skill: 'general' });
    await h.db.query(`UPDATE acd_skills SET max_wait_seconds = 3600, overflow_skill = NULL`);
    await command('config.reload', { what: 'queues' });
    await logoutAll('a1');
  });

  it('offers a callback at the maximum wait; the callback keeps the place ahead of later callers', async () => {
    await h.db.query(`UPDATE acd_skills SET max_wait_seconds = 10, callback_offer = true, announce_every_seconds = 15 WHERE code = 'general'`);
    await command('config.reload', { what: 'queues' });
    // The citizen waits, hears the offer at 10 s and presses 1 (at ~12.5 s), then is released.
    const first = citizen('13700000051', 30_000, { digits: '1', preMs: 12_500 });
    await waitQueued('13700000051');
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const later = citizen('13700000052', 60_000);
    await waitQueued('13700000052');
    const offered = await first;
    expect(offered.logLines).toContain('hangup=remote');
    const firstCall = await callOf('13700000051');
    await waitFor(async () => (await h.db.query(`SELECT 1 FROM acd_callbacks WHERE origin_call_id = $1`, [firstCall.id])).rowCount === 1, 5_000, 'the callback to be queued');
    const [callback] = (await h.db.query(`SELECT * FROM acd_callbacks WHERE origin_call_id = $1`, [firstCall.id])).rows;
    expect(callback).toMatchObject({ reason: 'requested', status: 'queued', number: '13700000051' });
    expect((await h.db.query(`SELECT outcome FROM acd_queue_calls WHERE call_id = $1`, [firstCall.id])).rows[0].outcome).toBe('callback');

    await login('a2', 'seat-2');
    await waitFor(async () => (await h.db.query(`SELECT status FROM acd_callbacks WHERE id = $1`, [callback.id])).rows[0].status === 'connected', 30_000, 'the callback to connect');
    await later;
    // The callback (place of 13700000051) went to the agent before 13700000052, who arrived later.
    const connectedLater = await connectedOf('13700000052');
    const [callbackDone] = (await h.db.query(`SELECT updated_at FROM acd_callbacks WHERE id = $1`, [callback.id])).rows;
    expect(connectedLater.occurred_at.getTime()).toBeGreaterThan(callbackDone.updated_at.getTime() - 5_000);
    const offeredEvents = (await h.db.query(`SELECT payload FROM call_events WHERE type = 'call.callback' AND call_id = $1 ORDER BY sequence`, [firstCall.id])).rows;
    expect(offeredEvents.map((row) => row.payload.state)).toEqual(['requested', 'dialling']);
    await h.db.query(`UPDATE acd_skills SET max_wait_seconds = 3600, announce_every_seconds = 600`);
    await command('config.reload', { what: 'queues' });
    await logoutAll('a2');
  });

  it('announces position and estimated wait at the configured interval', async () => {
    await h.db.query(`UPDATE acd_skills SET announce_every_seconds = 10 WHERE code = 'general'`);
    await command('config.reload', { what: 'queues' });
    await login('a3', 'seat-3', false);
    const calls = [citizen('13700000061', 14_000)];
    await waitQueued('13700000061');
    calls.push(citizen('13700000062', 14_000));
    await Promise.all(calls);
    const announced = (await eventsOf((await callOf('13700000062')).id)).filter((event) => event.type === 'call.announced');
    expect(announced.length).toBeGreaterThanOrEqual(1);
    expect(announced[0].payload).toMatchObject({ position: 2 });
    await h.db.query(`UPDATE acd_skills SET announce_every_seconds = 600`);
    await command('config.reload', { what: 'queues' });
    await logoutAll('a3');
  });

  it('reports service level, answer and abandonment rates per queue', async () => {
    const stats = await command('queue.stats', { skill: 'general' });
    process.stderr.write(`[acd] general today: ${JSON.stringify(stats)}\n`);
    expect(stats).toMatchObject({ skill: 'general', serviceLevelSeconds: 15 });
    expect(stats.answered).toBeGreaterThanOrEqual(5);
    expect(stats.abandoned).toBeGreaterThanOrEqual(1);
    expect(stats.serviceLevel).toBeGreaterThan(0);
    expect(stats.answerRate).toBeLessThan(1);
  });
});
