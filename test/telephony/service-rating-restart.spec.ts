/**
 * call-control dies (SIGKILL) while a citizen, handed by the agent to 转满意度评价, hears the rating prompt.
 * Asterisk keeps the caller's channel; the next process takes them back to the rating (not to the queue, not
 * through the IVR again), asks again, and the key pressed after the restart is the call's one rating.
 */
import { findFreePorts } from '@hotline/provisioning';
import type { HotlineEvent } from '@hotline/realtime';
import { dtmfPcapXml, runSipp, SippRunResult, SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor, publishFlowOnLines } from '../support/call-control-harness';
import { CallControlProcesses, closeAfterRecordings, sendCommand } from '../support/call-control-processes';

jest.setTimeout(6 * 60_000);

const DIRECT_FLOW = { start: 'queue', nodes: { queue: { type: 'queue' } } };

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
    await publishFlowOnLines(h.db, 'direct', DIRECT_FLOW);
    await h.db.query(`UPDATE acd_skills SET ring_timeout_seconds = 10, wrap_up_seconds = 1, announce_every_seconds = 600, max_wait_seconds = 3600`);
    await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ('seat-1', 'seat-1', $1)`, [`sip:seat-1@127.0.0.1:${phonePort}`]);
    await h.db.query(`INSERT INTO acd_agents (id, name) VALUES ('a1', 'a1')`);
    await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ('a1', 'general', 5)`);
    for (const what of ['ivr-flows', 'lines', 'seats', 'queues'] as const) await sendCommand(h, 'config.reload', { what });
    await sendCommand(h, 'agent.login', { agentId: 'a1', seat: 'seat-1' });
    await sendCommand(h, 'agent.set-state', { agentId: 'a1', state: 'ready' });
  });

  afterAll(() => closeAfterRecordings(h, () => processes?.stopAll(), () => h?.close(), () => phone?.stop()));

  const count = async (callId: string, type: string) => Number((await h.db.query(`SELECT count(*) AS n FROM call_events WHERE call_id = $1 AND type = $2`, [callId, type])).rows[0].n);

  it('takes the caller back to the rating prompt after a crash; the key pressed then is the rating, and the caller is not queued again', async () => {
    const [sipPort, rtpPort] = (await findFreePorts(2)) as [number, number];
    // The key comes 20 s after answer: after the hand-over, the crash and the new process's prompt.
    const dtmf = await dtmfPcapXml('3');
    const citizen: Promise<SippRunResult> = runSipp({
      scenarioFile: SIPP_SCENARIOS.citizenTalk,
      variables: { PRE_DTMF_MS: 20_000, DTMF_SEQUENCE: dtmf.xml, POST_DTMF_MS: 60_000 },
      service: '12345',
      remoteHost: '127.0.0.1',
      remotePort: h.asterisk.sipPort,
      localPort: sipPort,
      keys: { caller: '13744440001', rtp_port: rtpPort },
      timeoutMs: 120_000,
    });
    let connected: HotlineEvent<'call.connected'> | undefined;
    await waitFor(async () => {
      connected = h.published.find((event) => event.type === 'call.connected') as HotlineEvent<'call.connected'> | undefined;
      return !!connected;
    }, 30_000, 'the citizen to be connected to a1');
    const { callId } = connected!.payload;

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
