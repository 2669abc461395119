/**
 * 转满意度评价 against the real Asterisk, call-control and api: a SIPp citizen talks to a SIPp agent; the agent
 * (demo login "agent", ACD agent a1) hands the caller to the satisfaction prompt over HTTP. The agent leaves to
 * wrap-up, the citizen hears the Mandarin prompt, presses 2 and is thanked and hung up; the key lands in the
 * call's timeline as `basically_satisfied`. Refusals: another agent's call, a call not with an agent.
 */
import { findFreePorts } from '@hotline/provisioning';
import type { HotlineEvent } from '@hotline/realtime';
import { dtmfPcapXml, runSipp, SippRunResult, SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor, publishFlowOnLines } from '../support/call-control-harness';
import { closeAfterRecordings, sendCommand } from '../support/call-control-processes';

jest.setTimeout(5 * 60_000);

const DIRECT_FLOW = { start: 'queue', nodes: { queue: { type: 'queue' } } };

describe('service rating at the end of a call (real Asterisk, call-control, api, SIPp citizen and agent)', () => {
  let h: CallControlHarness;
  let phone: SippUas;

  beforeAll(async () => {
    const [phonePort] = (await findFreePorts(1)) as [number];
    phone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 600_000 }, localPort: phonePort, timeoutMs: 600_000 });
    h = await startCallControlHarness('service-rating', { rtpFrom: 45_400, rtpPorts: 100, withApi: true });
    await publishFlowOnLines(h.db, 'direct', DIRECT_FLOW);
    await h.db.query(`UPDATE acd_skills SET ring_timeout_seconds = 10, wrap_up_seconds = 2, announce_every_seconds = 600, max_wait_seconds = 3600`);
    await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ('seat-1', 'seat-1', $1)`, [`sip:seat-1@127.0.0.1:${phonePort}`]);
    await h.db.query(`INSERT INTO acd_agents (id, name, user_id) VALUES ('a1', 'a1', (SELECT id FROM users WHERE username = 'agent'))`);
    await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ('a1', 'general', 5)`);
    for (const what of ['ivr-flows', 'lines', 'seats', 'queues'] as const) await sendCommand(h, 'config.reload', { what });
    await sendCommand(h, 'agent.login', { agentId: 'a1', seat: 'seat-1' });
    await sendCommand(h, 'agent.set-state', { agentId: 'a1', state: 'ready' });
  });

  afterAll(() => closeAfterRecordings(h, () => h?.commands.send('agent.logout', { agentId: 'a1', requestedBy: 'test' }), () => h?.close(), () => phone?.stop()));

  it('hands the caller to the rating prompt; their key is the call\'s service rating, the agent goes to wrap-up', async () => {
    const [sipPort, rtpPort] = (await findFreePorts(2)) as [number, number];
    // The key comes 8 s after answer: after the hand-over (about 1-2 s in), during or just after the prompt.
    const dtmf = await dtmfPcapXml('2');
    const citizen: Promise<SippRunResult> = runSipp({
      scenarioFile: SIPP_SCENARIOS.citizenTalk,
      variables: { PRE_DTMF_MS: 8_000, DTMF_SEQUENCE: dtmf.xml, POST_DTMF_MS: 60_000 },
      service: '12345',
      remoteHost: '127.0.0.1',
      remotePort: h.asterisk.sipPort,
      localPort: sipPort,
      keys: { caller: '13733330001', rtp_port: rtpPort },
      timeoutMs: 120_000,
    });
    let connected: HotlineEvent<'call.connected'> | undefined;
    await waitFor(async () => {
      connected = h.published.find((event) => event.type === 'call.connected') as HotlineEvent<'call.connected'> | undefined;
      return !!connected;
    }, 30_000, 'the citizen to be connected to a1');
    const { callId } = connected!.payload;

    // Only the agent on the call (or a supervisor) may do it: another agent's call is refused by call-control.
    const foreign = await h.commands.send('call.rate-service', { callId, agentId: 'someone-else', requestedBy: 'test' });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'SERVICE_RATING_NOT_YOUR_CALL' } });

    const response = await h.api.http().post(`/api/calls/${callId}/service-rating`).set(await h.api.auth('agent')).expect(200);
    expect(response.body).toMatchObject({ callId, state: 'rating' });
    // Once handed over, the call is no longer with an agent: a second hand-over is refused.
    await h.api.http().post(`/api/calls/${callId}/service-rating`).set(await h.api.auth('agent')).expect(409);

    await waitFor(async () => (await h.db.query(`SELECT status FROM calls WHERE id = $1`, [callId])).rows[0].status === 'ended', 40_000, 'the call to end after the rating');
    const rated = (await h.db.query(`SELECT payload FROM call_events WHERE call_id = $1 AND type = 'call.service-rated'`, [callId])).rows;
    expect(rated).toEqual([{ payload: expect.objectContaining({ agentId: 'a1', outcome: 'rated', digit: '2', level: 'basically_satisfied' }) }]);
    expect((await h.db.query(`SELECT hangup_cause FROM calls WHERE id = $1`, [callId])).rows[0].hangup_cause).toBe(16);
    const result = await citizen;
    expect(result.counters.successfulCalls).toBe(1);
    // The agent's talk ended when the caller was handed over: wrap-up, then ready.
    await waitFor(async () => (await h.db.query(`SELECT state FROM acd_agent_state_log WHERE agent_id = 'a1' ORDER BY id DESC LIMIT 1`)).rows[0]?.state === 'ready', 20_000, 'a1 ready again');
    const states = (await h.db.query(`SELECT state FROM acd_agent_state_log WHERE agent_id = 'a1' ORDER BY id`)).rows.map((row) => row.state);
    expect(states.slice(-3)).toEqual(['on_call', 'wrap_up', 'ready']);
  });
});
