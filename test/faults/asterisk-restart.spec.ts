/**
 * Fault: Asterisk restarts (`core restart now`) under call-control (its own process) with one caller
 * talking to an agent and three waiting in the queue. Calls cannot survive the restart of the media server;
 * what must hold: call-control reconnects by itself, every call that was up is closed with cause
 * asterisk_restart (none left "open" forever), the agent is not stuck on a call that no longer exists,
 * an alarm goes out (system.alarm on the realtime bus, kept in Redis for health), and the next call works.
 */
import { findFreePorts } from '@hotline/provisioning';
import { SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { CallControlChild, startCallControlChild } from '../support/call-control-child';
import { activeChannels, callCrowd, callersByEvent, loginReady, provisionQueue } from './fault-fixture';

jest.setTimeout(6 * 60_000);

const BEFORE = '13910000';
const AFTER = '13920000';

describe('fault: Asterisk restarts under call-control (real Asterisk, call-control process, SIPp)', () => {
  let h: CallControlHarness;
  let phone: SippUas;
  let callControl: CallControlChild | null = null;

  beforeAll(async () => {
    const [phonePort] = (await findFreePorts(1)) as number[];
    phone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 120_000 }, localPort: phonePort!, timeoutMs: 360_000 });
    h = await startCallControlHarness('fault-asterisk', { rtpFrom: 47_000, rtpPorts: 100, startCallControl: false });
    callControl = await startCallControlChild(h.config, 'call-control');
    await provisionQueue(h, { agents: [{ id: 'agent-1', seat: 'seat-1', contactUri: `sip:seat-1@127.0.0.1:${phonePort}` }] });
  });

  afterAll(async () => {
    await callControl?.stop();
    await h?.close();
    await phone?.stop();
  });

  it('closes the lost calls with cause asterisk_restart, raises an alarm, frees the agent, and takes the next call', async () => {
    await loginReady(h, { id: 'agent-1', seat: 'seat-1' });
    const before = callCrowd(h, { prefix: BEFORE, calls: 4, rate: 2, listenMs: 120_000, timeoutMs: 150_000 });
    await waitFor(async () => (await callersByEvent(h, 'call.connected', BEFORE)).length === 1 && (await callersByEvent(h, 'call.queued', BEFORE)).length === 4, 30_000, 'one caller talking and three waiting');
    const openCalls = (await h.db.query(`SELECT id FROM calls WHERE caller_number LIKE $1 AND status <> 'ended'`, [`${BEFORE}%`])).rows.map((row) => row.id as string);
    expect(openCalls).toHaveLength(4);

    const restarted = Date.now();
    await h.asterisk.rx('core restart now');
    await waitFor(async () => h.published.some((event) => event.type === 'system.alarm'), 60_000, 'the asterisk_restart alarm');
    const alarmMs = Date.now() - restarted;
    const alarm = h.published.find((event) => event.type === 'system.alarm')!.payload as { alarm: string; lostCallIds: string[]; severity: string };
    expect(alarm).toMatchObject({ alarm: 'asterisk_restart', severity: 'critical' });
    expect([...alarm.lostCallIds].sort()).toEqual([...openCalls].sort());
    const kept = JSON.parse((await h.redis.get(`${h.config.REDIS_PREFIX}:health:asterisk`))!);
    expect(kept).toMatchObject({ alarm: 'asterisk_restart', lostCallIds: expect.arrayContaining(openCalls) });

    // A graceful restart hangs the channels up itself (Asterisk's shutdown cause), a crash leaves them open:
    // either way the record says the restart ended them.
    const ended = await h.db.query(`SELECT status, hangup_cause, hangup_cause_text FROM calls WHERE id = ANY($1)`, [openCalls]);
    expect(ended.rows.map(({ status, hangup_cause_text }) => ({ status, hangup_cause_text }))).toEqual(openCalls.map(() => ({ status: 'ended', hangup_cause_text: 'asterisk_restart' })));
    // The talking caller's call carries the cause of the agent leg the shutdown took, never normal clearing
    // (it used to, when call-control handled the agent leg first, and then the call was missing from the alarm).
    expect(ended.rows.filter((row) => row.hangup_cause === 16)).toEqual([]);
    // Every lost call has its end in the timeline and on the bus.
    const endEvents = await h.db.query(`SELECT count(*)::int AS n FROM call_events WHERE type = 'call.ended' AND call_id = ANY($1)`, [openCalls]);
    expect(endEvents.rows[0].n).toBe(4);
    // The agent is not left "on a call" that no longer exists.
    await waitFor(async () => (await h.db.query(`SELECT state FROM acd_agent_state_log WHERE agent_id = 'agent-1' ORDER BY id DESC LIMIT 1`)).rows[0].state === 'ready', 20_000, 'the agent to be ready again');
    expect(await activeChannels(h)).toBe(0);
    await before;

    // Calls go on: the next caller reaches the agent through the restarted Asterisk.
    const after = callCrowd(h, { prefix: AFTER, calls: 1, rate: 1, listenMs: 10_000 });
    await waitFor(async () => (await callersByEvent(h, 'call.connected', AFTER)).length === 1, 30_000, 'a call after the restart to reach the agent');
    expect((await after).counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });
    process.stderr.write(`[fault-asterisk] restart → alarm in ${alarmMs} ms\n`);
  });
});
