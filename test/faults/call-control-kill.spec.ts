/**
 * Fault: kill -9 of call-control with 100 calls up - 10 talking to agents, 60 waiting in the queue, 30 in
 * the IVR menu of another line - then a new call-control process. Builds on the 20-caller restart test
 * (test/telephony/call-control-restart.spec.ts) at the size issue 9 asks for, with the IVR in the mix.
 * Holds when: 0 calls dropped (every SIPp call ends normally, no call record closed as "gone"), the queue
 * order is kept (first offers in queued order), no caller is offered twice, the talks survive.
 */
import { findFreePorts } from '@hotline/provisioning';
import { SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { CallControlChild, startCallControlChild } from '../support/call-control-child';
import { activeChannels, agentCommand, callCrowd, callersByEvent, DIRECT_FLOW, eventCount, FaultAgent, IVR_THEN_QUEUE_FLOW, loginReady, provisionQueue } from './fault-fixture';

jest.setTimeout(12 * 60_000);

const TALKING = 10;
const QUEUED = 60;
const IN_IVR = 30;
const TALK = '13810000';
const QUEUE = '13820000';
const IVR = '13830000';

describe('fault: kill -9 call-control with 100 calls in IVR, queue and talk (real Asterisk, call-control process, SIPp)', () => {
  let h: CallControlHarness;
  let talkPhones: SippUas;
  let fastPhones: SippUas;
  let first: CallControlChild | null = null;
  let second: CallControlChild | null = null;
  const talkers: FaultAgent[] = [];
  const fast: FaultAgent[] = [];

  beforeAll(async () => {
    const [talkPort, fastPort] = (await findFreePorts(2)) as number[];
    // Talks in progress at the crash last 60 s, then the agents hang up; the agents after the restart are quick.
    talkPhones = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 60_000 }, localPort: talkPort!, timeoutMs: 700_000 });
    fastPhones = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 700 }, localPort: fastPort!, timeoutMs: 700_000 });
    for (let i = 1; i <= TALKING; i += 1) talkers.push({ id: `talker-${i}`, seat: `seat-t${i}`, contactUri: `sip:seat-t${i}@127.0.0.1:${talkPort}` });
    for (let i = 1; i <= 6; i += 1) fast.push({ id: `fast-${i}`, seat: `seat-f${i}`, contactUri: `sip:seat-f${i}@127.0.0.1:${fastPort}` });
    h = await startCallControlHarness('fault-kill', { rtpFrom: 50_000, rtpPorts: 900, startCallControl: false });
    first = await startCallControlChild(h.config, 'call-control#1');
    await provisionQueue(h, { lines: { '12345': DIRECT_FLOW, '12369': IVR_THEN_QUEUE_FLOW }, agents: [...talkers, ...fast] });
  });

  afterAll(async () => {
    await first?.kill();
    await second?.stop();
    await h?.close();
    await talkPhones?.stop();
    await fastPhones?.stop();
  });

  it('loses no call, keeps the queue order and offers nobody twice', async () => {
    // 10 talks: each talker takes one call, then asks for not ready (applies after the call).
    for (const agent of talkers) await loginReady(h, agent);
    const talking = callCrowd(h, { prefix: TALK, calls: TALKING, rate: 10, listenMs: 300_000 });
    await waitFor(async () => (await callersByEvent(h, 'call.connected', TALK)).length === TALKING, 60_000, 'the 10 talks');
    for (const agent of talkers) await agentCommand(h, 'agent.set-state', { agentId: agent.id, state: 'not_ready', reason: 'busy' });

    // 60 wait in the queue (nobody ready), then 30 go into the IVR of 12369 (menu, 30 s for a key).
    const queued = callCrowd(h, { prefix: QUEUE, calls: QUEUED, rate: 10, listenMs: 400_000 });
    await waitFor(async () => (await callersByEvent(h, 'call.queued', QUEUE)).length === QUEUED, 90_000, 'the 60 callers to queue');
    const inIvr = callCrowd(h, { prefix: IVR, calls: IN_IVR, rate: 10, listenMs: 400_000, line: '12369' });
    // In the IVR: answered and routed by line (call.line), at the menu (call.ivr is written when a node is left).
    await waitFor(async () => (await eventCount(h, 'call.line', IVR)) === IN_IVR, 60_000, 'the 30 callers to be in the IVR');
    expect(await eventCount(h, 'call.queued', IVR)).toBe(0);
    const queueOrder = await callersByEvent(h, 'call.queued', QUEUE);
    expect(await activeChannels(h)).toBe(TALKING * 2 + QUEUED + IN_IVR);

    // The crash. Asterisk keeps every channel (in Stasis, or in its bridge).
    await first!.kill();
    first = null;
    expect(await activeChannels(h)).toBe(TALKING * 2 + QUEUED + IN_IVR);
    const restarted = Date.now();
    second = await startCallControlChild(h.config, 'call-control#2');
    const reconnectMs = Date.now() - restarted;

    // Agents come in after the restart and work through the queue; the IVR callers join it when their menu times out.
    for (const agent of fast) await loginReady(h, agent);
    await waitFor(async () => (await callersByEvent(h, 'call.connected', QUEUE)).length === QUEUED, 240_000, 'the 60 waiting callers to be served');
    await waitFor(async () => (await callersByEvent(h, 'call.connected', IVR)).length === IN_IVR, 240_000, 'the 30 IVR callers to be served');
    const servedMs = Date.now() - restarted;

    // Queue order kept: nobody is offered an agent before a caller who queued ahead of them. Six agents take
    // offers in parallel, and offers made in one matching round are recorded in whatever order their awaits
    // finish, so "before" means more than 500 ms earlier; a caller skipped across the restart would be seconds late.
    const firstOffers = new Map<string, number>(
      (
        await h.db.query(
          `SELECT c.caller_number, min(e.occurred_at) AS at FROM call_events e JOIN calls c ON c.id = e.call_id
           WHERE e.type = 'call.offered' AND c.caller_number LIKE $1 GROUP BY c.caller_number`,
          [`${QUEUE}%`],
        )
      ).rows.map((row) => [row.caller_number as string, (row.at as Date).getTime()]),
    );
    expect(firstOffers.size).toBe(QUEUED);
    const overtaken = queueOrder.flatMap((caller, i) =>
      queueOrder.slice(i + 1).filter((later) => firstOffers.get(later)! < firstOffers.get(caller)! - 500).map((later) => `${later} before ${caller}`),
    );
    expect(overtaken).toEqual([]);
    // No double offers: one offer and one connect per caller, no RONA, and the ACD's own counter agrees.
    const offers = await h.db.query(
      `SELECT c.caller_number, count(*) FILTER (WHERE e.type = 'call.offered')::int AS offered, count(*) FILTER (WHERE e.type = 'call.connected')::int AS connected,
              count(*) FILTER (WHERE e.type = 'call.rona')::int AS rona,
              string_agg(e.type || '@' || to_char(e.occurred_at, 'HH24:MI:SS.MS') || coalesce(' ' || (e.payload->>'agentId'), ''), ', ' ORDER BY e.sequence) AS timeline
       FROM calls c JOIN call_events e ON e.call_id = c.id WHERE c.caller_number ~ '^138[123]0000' GROUP BY c.caller_number`,
    );
    expect(offers.rows).toHaveLength(TALKING + QUEUED + IN_IVR);
    expect(offers.rows.filter((row) => row.offered !== 1 || row.connected !== 1 || row.rona !== 0)).toEqual([]);
    const counted = await h.db.query(`SELECT offers, count(*)::int AS n FROM acd_queue_calls WHERE outcome = 'answered' GROUP BY offers`);
    expect(counted.rows).toEqual([{ offers: 1, n: TALKING + QUEUED + IN_IVR }]);

    // 0 dropped: every SIPp call completed, the talks ended by the agents (BYE from the hotline), no record closed as "gone".
    const [talkResult, queueResult, ivrResult] = await Promise.all([talking, queued, inIvr]);
    expect(talkResult.counters).toMatchObject({ successfulCalls: TALKING, failedCalls: 0 });
    expect(talkResult.logLines.filter((line) => line === 'hangup=remote')).toHaveLength(TALKING);
    expect(queueResult.counters).toMatchObject({ successfulCalls: QUEUED, failedCalls: 0 });
    expect(ivrResult.counters).toMatchObject({ successfulCalls: IN_IVR, failedCalls: 0 });
    await waitFor(async () => (await h.db.query(`SELECT count(*)::int AS n FROM calls WHERE status <> 'ended'`)).rows[0].n === 0, 30_000, 'every call record to be closed');
    const causes = await h.db.query(`SELECT hangup_cause, count(*)::int AS n FROM calls WHERE direction = 'inbound' GROUP BY hangup_cause`);
    expect(causes.rows).toEqual([{ hangup_cause: 16, n: TALKING + QUEUED + IN_IVR }]);
    expect(await activeChannels(h)).toBe(0);
    process.stderr.write(`[fault-kill] call-control#2 connected in ${reconnectMs} ms; all 90 waiting callers served ${servedMs} ms after the restart\n`);
  });
});
