/**
 * Fault: an agent's phone is unreachable (its SIPp UAS was killed, nothing listens on the seat's port any
 * more). The ACD rings it, gets nothing, and treats it as RONA: the agent goes not ready (reason rona), the
 * caller keeps their place ahead of later callers and reaches the next agent. Bounded: ring timeout 5 s.
 */
import { findFreePorts } from '@hotline/provisioning';
import { SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { callCrowd, callersByEvent, loginReady, provisionQueue } from './fault-fixture';

jest.setTimeout(5 * 60_000);

const PREFIX = '13900000';

describe('fault: agent phone unreachable → RONA (real Asterisk, SIPp citizens and agent phones)', () => {
  let h: CallControlHarness;
  let livePhone: SippUas;

  beforeAll(async () => {
    const [livePort, deadPort] = (await findFreePorts(2)) as number[];
    livePhone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 1_500 }, localPort: livePort!, timeoutMs: 300_000 });
    // The broken agent's phone worked once, then died: its process is gone and nothing listens on its port.
    const dying = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 1_500 }, localPort: deadPort!, timeoutMs: 300_000 });
    await dying.stop();
    h = await startCallControlHarness('fault-rona', { rtpFrom: 46_000, rtpPorts: 100 });
    await provisionQueue(h, {
      agents: [
        { id: 'broken', seat: 'seat-broken', contactUri: `sip:seat-broken@127.0.0.1:${deadPort}` },
        { id: 'working', seat: 'seat-working', contactUri: `sip:seat-working@127.0.0.1:${livePort}` },
      ],
    });
  });

  afterAll(async () => {
    await h?.close();
    await livePhone?.stop();
  });

  it('makes the unreachable agent not ready and serves the caller first, by the next agent', async () => {
    // Two callers queue while nobody is ready: 1 then 2.
    const crowd = callCrowd(h, { prefix: PREFIX, calls: 2, rate: 1, listenMs: 60_000 });
    await waitFor(async () => (await callersByEvent(h, 'call.queued', PREFIX)).length === 2, 30_000, 'both callers to queue');
    expect(await callersByEvent(h, 'call.queued', PREFIX)).toEqual([`${PREFIX}1`, `${PREFIX}2`]);

    const started = Date.now();
    await loginReady(h, { id: 'broken', seat: 'seat-broken' });
    await waitFor(async () => (await callersByEvent(h, 'call.rona', PREFIX)).length === 1, 30_000, 'RONA on the unreachable seat');
    const ronaMs = Date.now() - started;
    expect(await callersByEvent(h, 'call.rona', PREFIX)).toEqual([`${PREFIX}1`]);
    const broken = (await h.db.query(`SELECT state, reason FROM acd_agent_state_log WHERE agent_id = 'broken' ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(broken).toEqual({ state: 'not_ready', reason: 'rona' });
    // Not offered again to the broken agent: it stays not ready until the agent says otherwise.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await callersByEvent(h, 'call.offered', PREFIX)).toEqual([`${PREFIX}1`]);

    await loginReady(h, { id: 'working', seat: 'seat-working' });
    await waitFor(async () => (await callersByEvent(h, 'call.connected', PREFIX)).length === 2, 60_000, 'both callers to reach the working agent');
    // The caller who met the dead phone kept the first place.
    expect(await callersByEvent(h, 'call.connected', PREFIX)).toEqual([`${PREFIX}1`, `${PREFIX}2`]);
    const agents = await h.db.query(
      `SELECT c.caller_number, e.payload->>'agentId' AS agent FROM call_events e JOIN calls c ON c.id = e.call_id WHERE e.type = 'call.connected' AND c.caller_number LIKE $1 ORDER BY c.caller_number`,
      [`${PREFIX}%`],
    );
    expect(agents.rows.map((row) => row.agent)).toEqual(['working', 'working']);
    const result = await crowd;
    expect(result.counters).toMatchObject({ successfulCalls: 2, failedCalls: 0 });
    process.stderr.write(`[fault-rona] unreachable seat → RONA in ${ronaMs} ms\n`);
  });
});
