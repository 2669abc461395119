/**
 * call-control dies (SIGKILL) while a supervisor listens to a call, and again after the supervisor took the
 * call over. Asterisk keeps the supervisor's seat leg, its snoop and the bridges; each new process re-adopts
 * them from the open audit segment: the supervisor switches to barge and then takes over without their phone
 * ringing again, and after the second crash stays with the citizen - who is not queued again - until they
 * leave, which ends the call. The audit keeps one row per mode segment.
 */
import { findFreePorts } from '@hotline/provisioning';
import type { HotlineEvent } from '@hotline/realtime';
import { SippRunResult, SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { talkingCitizen } from '../support/sipp/talking-citizen';
import { CallControlHarness, startCallControlHarness, waitFor, publishFlowOnLines } from '../support/call-control-harness';
import { bridgeChannels, CallControlProcesses, closeAfterRecordings, sendCommand, sendCommandOnceHeld } from '../support/call-control-processes';

jest.setTimeout(10 * 60_000);

const DIRECT_FLOW = { start: 'queue', nodes: { queue: { type: 'queue' } } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('call-control restart while a supervisor is on a call (real Asterisk, separate processes, SIPp citizen, agent and supervisor)', () => {
  let h: CallControlHarness;
  let agentPhone: SippUas;
  let supervisorPhone: SippUas;
  let processes: CallControlProcesses;
  let supervisorUserId: string;

  beforeAll(async () => {
    const [agentSip, supervisorSip] = (await findFreePorts(2)) as [number, number];
    agentPhone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 600_000 }, localPort: agentSip, timeoutMs: 600_000 });
    supervisorPhone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 600_000 }, localPort: supervisorSip, timeoutMs: 600_000 });
    h = await startCallControlHarness('sup-restart', { rtpFrom: 45_200, rtpPorts: 100, startCallControl: false });
    processes = new CallControlProcesses(h);
    await processes.start();
    await publishFlowOnLines(h.db, 'direct', DIRECT_FLOW);
    await h.db.query(`UPDATE acd_skills SET ring_timeout_seconds = 10, wrap_up_seconds = 1, announce_every_seconds = 600, max_wait_seconds = 3600`);
    await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ('seat-a1', 'a1', $1), ('seat-sup', 'sup', $2)`, [`sip:seat-a1@127.0.0.1:${agentSip}`, `sip:seat-sup@127.0.0.1:${supervisorSip}`]);
    await h.db.query(`INSERT INTO acd_agents (id, name) VALUES ('a1', 'a1')`);
    await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ('a1', 'general', 5)`);
    // The audit names the supervisor's user (the api's permission checks are supervision.spec's business).
    supervisorUserId = (
      await h.db.query(
        `INSERT INTO users (username, display_name, password_hash, roles, unit_id) VALUES ('sup.restart', '班长', 'x', ARRAY['supervisor'], $1) RETURNING id`,
        [(await h.db.query(`INSERT INTO units (code, name, kind) VALUES ('centre', '12345 中心', 'centre') RETURNING id`)).rows[0].id],
      )
    ).rows[0].id;
    for (const what of ['ivr-flows', 'lines', 'seats', 'queues'] as const) await sendCommand(h, 'config.reload', { what });
    await sendCommand(h, 'agent.login', { agentId: 'a1', seat: 'seat-a1' });
    await sendCommand(h, 'agent.set-state', { agentId: 'a1', state: 'ready' });
  });

  afterAll(() => closeAfterRecordings(h, () => processes?.stopAll(), () => h?.close(), () => agentPhone?.stop(), () => supervisorPhone?.stop()));

  const seatCalls = async () => (await supervisorPhone.logLines()).filter((line) => line.startsWith('answered')).length;

  it('keeps the supervisor on the call through two crashes: listen → barge → take over, no redial, the citizen not queued again', async () => {
    const citizen: Promise<SippRunResult> = talkingCitizen(h.asterisk.sipPort, '13722220001', 180_000);
    let connected: HotlineEvent<'call.connected'> | undefined;
    await waitFor(async () => {
      connected = h.published.find((event) => event.type === 'call.connected') as HotlineEvent<'call.connected'> | undefined;
      return !!connected;
    }, 30_000, 'the citizen to be connected to the agent');
    const { callId, channelId, bridgeId } = connected!.payload;
    const monitor = (mode: string) => ({ callId, mode, supervisorUserId, seat: 'seat-sup' });

    const listening = await sendCommand(h, 'supervision.monitor', monitor('listen'));
    const supervisionId = listening.supervisionId as string;
    const legId = `sup-${supervisionId}`;
    await waitFor(async () => (await bridgeChannels(h, `sup-bridge-${supervisionId}`)).length === 2, 20_000, 'the supervisor listening (seat leg and snoop in their bridge)');

    // Crash 1 while listening. The new process takes the leg back: switching to barge needs no new call.
    await processes.crashAndRestart();
    expect(await sendCommandOnceHeld(h, 'supervision.monitor', monitor('barge'))).toMatchObject({ supervisionId, mode: 'barge', state: 'active' });
    await waitFor(async () => (await bridgeChannels(h, bridgeId)).includes(legId), 10_000, 'the supervisor in the call bridge (barge)');
    expect(await bridgeChannels(h, `sup-bridge-${supervisionId}`)).not.toContain(legId);

    // Take over: the agent leaves, the supervisor stays with the citizen.
    expect(await sendCommand(h, 'supervision.monitor', monitor('take_over'))).toMatchObject({ supervisionId, mode: 'take_over' });
    await waitFor(async () => (await bridgeChannels(h, bridgeId)).sort().join() === [channelId, legId].sort().join(), 10_000, 'citizen and supervisor alone in the bridge');

    // Crash 2 after the take-over: nothing may queue the citizen or re-run their IVR.
    const queued = async () => Number((await h.db.query(`SELECT count(*) AS n FROM call_events WHERE call_id = $1 AND type = 'call.queued'`, [callId])).rows[0].n);
    const queuedBefore = await queued();
    await processes.crashAndRestart();
    await sleep(5_000);
    expect((await bridgeChannels(h, bridgeId)).sort()).toEqual([channelId, legId].sort());
    expect(await queued()).toBe(queuedBefore);
    expect((await h.db.query(`SELECT status FROM calls WHERE id = $1`, [callId])).rows[0].status).toBe('answered');
    expect(await seatCalls()).toBe(1);

    // The supervisor leaves: after a take-over that ends the call.
    expect(await sendCommandOnceHeld(h, 'supervision.stop', { callId, supervisorUserId })).toMatchObject({ supervisionId, state: 'ended' });
    await waitFor(async () => (await h.db.query(`SELECT status FROM calls WHERE id = $1`, [callId])).rows[0].status === 'ended', 20_000, 'the call to end');
    await citizen;
    const audit = (await h.db.query(`SELECT mode, end_reason FROM supervision_sessions WHERE supervision_id = $1 ORDER BY started_at`, [supervisionId])).rows;
    expect(audit).toEqual([
      { mode: 'listen', end_reason: 'switched-to-barge' },
      { mode: 'barge', end_reason: 'switched-to-take_over' },
      { mode: 'take_over', end_reason: 'stopped' },
    ]);
  });
});
