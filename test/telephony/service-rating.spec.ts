/**
 * 转满意度评价 against the real Asterisk, call-control and api: a SIPp citizen talks to a SIPp agent; the agent
 * (demo login "agent", ACD agent a1) hands the caller to the satisfaction prompt over HTTP. The agent leaves to
 * wrap-up, the citizen hears the Mandarin prompt, presses 2 and is thanked and hung up; the key lands in the
 * call's timeline as `basically_satisfied`. Refusals: another agent's call, a call not with an agent.
 */
import { findFreePorts } from '@hotline/provisioning';
import { SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { closeAfterRecordings } from '../support/call-control-processes';
import { citizenPressing, firstConnected, oneAgentReady } from '../support/one-agent-queue';

jest.setTimeout(5 * 60_000);

describe('service rating at the end of a call (real Asterisk, call-control, api, SIPp citizen and agent)', () => {
  let h: CallControlHarness;
  let phone: SippUas;

  beforeAll(async () => {
    const [phonePort] = (await findFreePorts(1)) as [number];
    phone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 600_000 }, localPort: phonePort, timeoutMs: 600_000 });
    h = await startCallControlHarness('service-rating', { rtpFrom: 45_400, rtpPorts: 100, withApi: true });
    await oneAgentReady(h, { phonePort, wrapUpSeconds: 2, userName: 'agent' });
  });

  afterAll(() => closeAfterRecordings(h, () => h?.commands.send('agent.logout', { agentId: 'a1', requestedBy: 'test' }), () => h?.close(), () => phone?.stop()));

  it('hands the caller to the rating prompt; their key is the call\'s service rating, the agent goes to wrap-up', async () => {
    // The key comes 8 s after answer: after the hand-over (about 1-2 s in), during or just after the prompt.
    const citizen = citizenPressing(h, { caller: '13733330001', digit: '2', afterMs: 8_000 });
    const { callId } = await firstConnected(h);

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
