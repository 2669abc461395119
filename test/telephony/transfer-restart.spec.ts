/**
 * call-control dies (SIGKILL) in the middle of an agent's warm transfer to 110, and again once the citizen
 * has been handed to 110. Asterisk keeps every channel and bridge; each new process re-adopts them: the
 * agent completes the transfer started before the first crash, and after the second the citizen stays with
 * 110 - not queued again, the IVR not re-run, 110 not dialled a second time - until 110 hangs up.
 */
import { findFreePorts } from '@hotline/provisioning';
import { SippRunResult, SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { talkingCitizen } from '../support/sipp/talking-citizen';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { bridgeChannels, CallControlProcesses, closeAfterRecordings, sendCommand, sendCommandOnceHeld } from '../support/call-control-processes';
import { firstConnected, oneAgentReady } from '../support/one-agent-queue';

jest.setTimeout(10 * 60_000);

/** 110 talks this long after answering, then hangs up: long enough for two restarts and the completion. */
const DISPATCHER_TALK_MS = 45_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('call-control restart during an agent transfer (real Asterisk, separate processes, SIPp citizen, agent and 110)', () => {
  let h: CallControlHarness;
  let phones: SippUas;
  let dispatcher: SippUas;
  let processes: CallControlProcesses;
  let destination110: string;

  beforeAll(async () => {
    const [phonePort, carrierPort] = (await findFreePorts(2)) as [number, number];
    phones = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 500, TALK_MS: 600_000 }, localPort: phonePort, timeoutMs: 600_000 });
    dispatcher = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 500, TALK_MS: DISPATCHER_TALK_MS }, localPort: carrierPort, timeoutMs: 600_000 });
    h = await startCallControlHarness('xfer-restart', {
      rtpFrom: 45_000,
      rtpPorts: 100,
      startCallControl: false,
      config: { OUTBOUND_ENDPOINT_TEMPLATE: `PJSIP/carrier/sip:{number}@127.0.0.1:${carrierPort}` },
    });
    processes = new CallControlProcesses(h);
    await processes.start();
    await oneAgentReady(h, { phonePort });
    destination110 = (await h.db.query(`SELECT id FROM ivr_transfer_destinations WHERE number = '110'`)).rows[0].id;
  });

  afterAll(() => closeAfterRecordings(h, () => processes?.stopAll(), () => h?.close(), () => phones?.stop(), () => dispatcher?.stop()));

  const eventsOf = async (callId: string, type: string) => Number((await h.db.query(`SELECT count(*) AS n FROM call_events WHERE call_id = $1 AND type = $2`, [callId, type])).rows[0].n);
  const published = (type: string, transferId: string) => h.published.some((event) => event.type === type && (event.payload as { transferId?: string }).transferId === transferId);

  it('resumes the consult after a crash, completes it, and keeps the citizen with 110 through a second crash', async () => {
    const citizen: Promise<SippRunResult> = talkingCitizen(h.asterisk.sipPort, '13711110001', 120_000);
    const { callId, channelId, bridgeId: acdBridge } = await firstConnected(h);

    // Warm transfer to 110 with the citizen on hold; 110 answers and consults with the agent.
    const transferId = (await sendCommand(h, 'transfer.start', { callId, destinationId: destination110, mode: 'warm', hold: true })).transferId as string;
    await waitFor(async () => published('transfer.answered', transferId), 30_000, '110 to answer');
    expect(await bridgeChannels(h, acdBridge)).not.toContain(channelId);

    // Crash 1, mid-consult. The new process takes the transfer back: the agent can complete it.
    await processes.crashAndRestart();
    // Until the new process has re-adopted the call nobody answers, or it does not know the transfer yet.
    const completed = await sendCommandOnceHeld(h, 'transfer.complete', { callId, transferId }, /TRANSFER_NOT_FOUND|did not answer/i);
    expect(completed).toMatchObject({ transferId, state: 'handed' });
    await waitFor(async () => published('transfer.completed', transferId), 10_000, 'transfer.completed');
    const handed = await bridgeChannels(h, `xfer-bridge-${callId}`);
    expect(handed).toHaveLength(2);
    expect(handed).toContain(channelId);
    // The trail is written beside the call path, moments after the event.
    await waitFor(async () => (await h.db.query(`SELECT 1 FROM call_transfers WHERE id = $1 AND state = 'ended'`, [transferId])).rowCount === 1, 5_000, 'the trail to be closed');
    expect((await h.db.query(`SELECT state, outcome FROM call_transfers WHERE id = $1`, [transferId])).rows[0]).toEqual({ state: 'ended', outcome: 'completed' });
    // The agent left to wrap-up and is free again.
    await waitFor(async () => (await h.db.query(`SELECT state FROM acd_agent_state_log WHERE agent_id = 'a1' ORDER BY id DESC LIMIT 1`)).rows[0]?.state === 'ready', 20_000, 'a1 ready again');

    // Crash 2, while the citizen talks with 110. Nothing may queue, re-run or re-dial this call.
    const queuedBefore = await eventsOf(callId, 'call.queued');
    await processes.crashAndRestart();
    await sleep(5_000);
    expect(await bridgeChannels(h, `xfer-bridge-${callId}`)).toEqual(expect.arrayContaining(handed));
    expect(await eventsOf(callId, 'call.queued')).toBe(queuedBefore);
    expect(Number((await h.db.query(`SELECT count(*) AS n FROM call_transfers WHERE call_id = $1`, [callId])).rows[0].n)).toBe(1);
    expect((await h.db.query(`SELECT status FROM calls WHERE id = $1`, [callId])).rows[0].status).toBe('answered');

    // 110 hangs up: the re-adopted call ends with it (the citizen is hung up), recorded as a normal end.
    await waitFor(async () => (await h.db.query(`SELECT status FROM calls WHERE id = $1`, [callId])).rows[0].status === 'ended', DISPATCHER_TALK_MS + 30_000, 'the call to end when 110 hangs up');
    const result = await citizen;
    expect(result.counters.successfulCalls + result.counters.failedCalls).toBe(1);
    // 110 was called once in all: the dispatcher's SIPp saw exactly one call.
    expect((await dispatcher.logLines()).filter((line) => line.startsWith('answered'))).toHaveLength(1);
  });
});
