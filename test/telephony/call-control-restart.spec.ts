/**
 * call-control dies (SIGKILL, no shutdown hooks) with 20 callers waiting in a queue and one caller talking
 * to an agent. Asterisk keeps the channels in Stasis and sends no new StasisStart; a new call-control
 * process lists channels and bridges, re-adopts them from the Redis state, and carries on: the waiting
 * callers reach an agent in exactly the order they queued, the talking caller stays connected.
 */
import { findFreePorts } from '@hotline/provisioning';
import { runSipp, SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor, publishFlowOnLines } from '../support/call-control-harness';
import { CallControlChild, startCallControlChild } from '../support/call-control-child';

jest.setTimeout(10 * 60_000);

const DIRECT_FLOW = { start: 'queue', nodes: { queue: { type: 'queue' } } };
const CALLERS = 20;

describe('call-control restart with callers waiting and talking (real Asterisk, separate process)', () => {
  let h: CallControlHarness;
  let phones: SippUas;
  let talker: SippUas;
  let process1: CallControlChild | null = null;
  let process2: CallControlChild | null = null;

  beforeAll(async () => {
    const [phonePort, talkPort] = (await findFreePorts(2)) as number[];
    // The queue's one agent answers fast and keeps each call short: the order of service is the proof.
    phones = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 800 }, localPort: phonePort!, timeoutMs: 600_000 });
    // The agent already talking when call-control dies stays on for a while, then hangs up.
    talker = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 25_000 }, localPort: talkPort!, timeoutMs: 600_000 });
    h = await startCallControlHarness('restart', { rtpFrom: 44_000, rtpPorts: 200, startCallControl: false });
    process1 = await startCallControlChild(h.config, 'call-control#1');
    await publishFlowOnLines(h.db, 'direct', DIRECT_FLOW);
    // Announcements every 10 s exercise the re-created timers; no wrap-up keeps the test short.
    await h.db.query(`UPDATE acd_skills SET wrap_up_seconds = 0, announce_every_seconds = 10, max_wait_seconds = 3600, ring_timeout_seconds = 10`);
    await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ('seat-1', 'seat-1', $1), ('seat-2', 'seat-2', $2)`, [`sip:seat-1@127.0.0.1:${phonePort}`, `sip:seat-2@127.0.0.1:${talkPort}`]);
    for (const agent of ['fast', 'talker']) {
      await h.db.query(`INSERT INTO acd_agents (id, name) VALUES ($1, $1)`, [agent]);
      await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ($1, 'general', 5)`, [agent]);
    }
    for (const what of ['ivr-flows', 'lines', 'seats', 'queues'] as const) expect(await h.commands.send('config.reload', { what, requestedBy: 'test' })).toMatchObject({ ok: true });
  });

  afterAll(async () => {
    await process1?.kill();
    await process2?.stop();
    await h?.close();
    await phones?.stop();
    await talker?.stop();
  });

  const send = async (type: 'agent.login' | 'agent.set-state' | 'agent.logout', payload: Record<string, unknown>) => {
    const result = await h.commands.send(type, { requestedBy: 'test', ...payload } as never);
    if (!result.ok) throw new Error(`${type}: ${result.error.code} ${result.error.message}`);
  };
  const queuedCallers = async (): Promise<string[]> =>
    (await h.db.query(`SELECT c.caller_number FROM call_events e JOIN calls c ON c.id = e.call_id WHERE e.type = 'call.queued' AND c.caller_number LIKE '1360000%' ORDER BY e.occurred_at, e.id`)).rows.map((row) => row.caller_number);

  it('re-adopts every channel and serves the 20 waiting callers in their original order', async () => {
    // One caller talks to the "talker" agent before the crash.
    await send('agent.login', { agentId: 'talker', seat: 'seat-2' });
    await send('agent.set-state', { agentId: 'talker', state: 'ready' });
    const [talkSip] = (await findFreePorts(1)) as [number];
    const talking = runSipp({
      scenarioFile: SIPP_SCENARIOS.citizenCrowd,
      variables: { LISTEN_MS: 120_000, CALLER_PREFIX: '13500000' },
      service: '12345',
      remoteHost: '127.0.0.1',
      remotePort: h.asterisk.sipPort,
      localPort: talkSip,
      timeoutMs: 180_000,
    });
    await waitFor(async () => (await h.db.query(`SELECT 1 FROM call_events WHERE type = 'call.connected'`)).rowCount === 1, 20_000, 'the first caller to talk');
    await send('agent.set-state', { agentId: 'talker', state: 'not_ready', reason: 'busy' });

    // 20 callers queue (nobody else is ready).
    const [sipPort] = (await findFreePorts(1)) as [number];
    const crowd = runSipp({
      scenarioFile: SIPP_SCENARIOS.citizenCrowd,
      variables: { LISTEN_MS: 240_000, CALLER_PREFIX: '13600000' },
      service: '12345',
      remoteHost: '127.0.0.1',
      remotePort: h.asterisk.sipPort,
      localPort: sipPort,
      calls: CALLERS,
      rate: 5,
      callLimit: CALLERS,
      timeoutMs: 300_000,
    });
    await waitFor(async () => (await queuedCallers()).length === CALLERS, 30_000, 'all callers to be queued');
    const order = await queuedCallers();

    // Crash: no shutdown hooks, nothing cleaned up. The channels stay in Stasis (and the talk in its bridge).
    await process1!.kill();
    process1 = null;
    const channels = await h.asterisk.rx('core show channels count');
    expect(Number(/(\d+) active channel/.exec(channels)?.[1])).toBeGreaterThanOrEqual(CALLERS + 2);

    const restarted = Date.now();
    process2 = await startCallControlChild(h.config, 'call-control#2');
    process.stderr.write(`[restart] second call-control connected in ${Date.now() - restarted} ms\n`);
    // Re-adopted: the waiting callers hear music again and their announcements resume (timers rebuilt).
    await waitFor(
      async () => (await h.db.query(`SELECT count(DISTINCT call_id)::int AS n FROM call_events WHERE type = 'call.announced' AND occurred_at > to_timestamp($1 / 1000.0)`, [restarted])).rows[0].n >= CALLERS,
      25_000,
      'announcements to resume for every waiting caller',
    );

    await send('agent.login', { agentId: 'fast', seat: 'seat-1' });
    await send('agent.set-state', { agentId: 'fast', state: 'ready' });
    await waitFor(
      async () => (await h.db.query(`SELECT count(*)::int AS n FROM call_events e JOIN calls c ON c.id = e.call_id WHERE e.type = 'call.connected' AND c.caller_number LIKE '1360000%'`)).rows[0].n === CALLERS,
      120_000,
      'every waiting caller to reach the agent',
    );
    const served = (
      await h.db.query(`SELECT c.caller_number FROM call_events e JOIN calls c ON c.id = e.call_id WHERE e.type = 'call.connected' AND c.caller_number LIKE '1360000%' ORDER BY e.occurred_at, e.id`)
    ).rows.map((row) => row.caller_number);
    expect(served).toEqual(order);
    const crowdResult = await crowd;
    expect(crowdResult.counters).toMatchObject({ successfulCalls: CALLERS, failedCalls: 0 });

    // The talk survived the crash: the talker agent hung up after 25 s, and that ended the call normally.
    const talkResult = await talking;
    expect(talkResult.counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });
    expect(talkResult.logLines).toContain('hangup=remote');
    const [talk] = (await h.db.query(`SELECT * FROM calls WHERE caller_number = '135000001'`)).rows;
    expect(talk).toMatchObject({ status: 'ended', hangup_cause: 16 });
    await waitFor(async () => (await h.db.query(`SELECT state FROM acd_agent_state_log WHERE agent_id = 'talker' ORDER BY id DESC LIMIT 1`)).rows[0].state === 'not_ready', 10_000, 'the talker agent to finish (deferred not-ready applies)');
    expect(Number(/(\d+) active channel/.exec(await h.asterisk.rx('core show channels count'))?.[1])).toBe(0);
  });
});
