/**
 * call-control dies (SIGKILL) while a citizen, handed by the agent to 转满意度评价, hears the rating prompt.
 * Asterisk keeps the caller's channel; the next process takes them back to the rating (not to the queue, not
 * through the IVR again), asks again, and the key pressed after the restart is the call's one rating.
 */
import { findFreePorts } from '@hotline/provisioning';
import { SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { CallControlProcesses, closeAfterRecordings, sendCommand } from '../support/call-control-processes';
import { citizenPressing, firstConnected, oneAgentReady } from '../support/one-agent-queue';

jest.setTimeout(6 * 60_000);

describe('call-control restart during the service rating (real Asterisk, separate processes, SIPp citizen and agent)', () => {
  let h: CallControlHarness;
  let phone: SippUas;
  let processes: CallControlProcesses;

  beforeAll(async () => {
    const [phonePort] = (await findFreePorts(1)) as [number];
    phone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 600_000 }, localPort: phonePort, timeoutMs: 600_000 });
    h = await startCallControlHarness('rating-restart', { rtpFrom: 45_600, rtpPorts: 100, startCallControl: false });
    processes = new CallControlProcesses(h);
    await processes.start();
    await oneAgentReady(h, { phonePort });
  });

  afterAll(() => closeAfterRecordings(h, () => processes?.stopAll(), () => h?.close(), () => phone?.stop()));

  const count = async (callId: string, type: string) => Number((await h.db.query(`SELECT count(*) AS n FROM call_events WHERE call_id = $1 AND type = $2`, [callId, type])).rows[0].n);

  it('takes the caller back to the rating prompt after a crash; the key pressed then is the rating, and the caller is not queued again', async () => {
    // The key comes 20 s after answer: after the hand-over, the crash and the new process's prompt.
    const citizen = citizenPressing(h, { caller: '13744440001', digit: '3', afterMs: 20_000 });
    const { callId } = await firstConnected(h);

    expect(await sendCommand(h, 'call.rate-service', { callId, agentId: 'a1' })).toMatchObject({ callId, state: 'rating' });
    await processes.crashAndRestart();

    await waitFor(async () => (await h.db.query(`SELECT status FROM calls WHERE id = $1`, [callId])).rows[0].status === 'ended', 60_000, 'the call to end after the rating');
    const rated = (await h.db.query(`SELECT payload FROM call_events WHERE call_id = $1 AND type = 'call.service-rated'`, [callId])).rows;
    expect(rated).toEqual([{ payload: expect.objectContaining({ agentId: 'a1', outcome: 'rated', digit: '3', level: 'dissatisfied' }) }]);
    expect((await h.db.query(`SELECT hangup_cause FROM calls WHERE id = $1`, [callId])).rows[0].hangup_cause).toBe(16);
    // Queued and connected once: the restart did not put the caller back in the queue nor offer them again.
    expect(await count(callId, 'call.queued')).toBe(1);
    expect(await count(callId, 'call.offered')).toBe(1);
    expect((await citizen).counters.successfulCalls).toBe(1);
    // The marker that brought the caller back is gone with the call.
    expect(await h.redis.exists(`${h.config.REDIS_PREFIX}:service-rating:${callId}`)).toBe(0);
    await waitFor(async () => (await h.db.query(`SELECT state FROM acd_agent_state_log WHERE agent_id = 'a1' ORDER BY id DESC LIMIT 1`)).rows[0]?.state === 'ready', 20_000, 'a1 ready again');
  });
});
