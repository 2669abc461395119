/**
 * Supervision (issue 7) against the real Asterisk, call-control and api: a SIPp citizen calls 12345, the
 * ACD connects a SIPp agent, and a supervisor acts through the HTTP api; call-control rings the
 * supervisor's seat (another SIPp). RTP taps stand in for the three phones' media, so the test hears what
 * each party hears; each speaks its own tone (citizen 400 Hz, agent 600 Hz, supervisor 1 kHz). Listen → the
 * supervisor hears both sides and their tone reaches neither, whisper → only the agent, barge → both. Also: switching modes never rings the seat again, take-over (the agent
 * leaves to wrap-up, the supervisor talks with the citizen), 强拆, forced agent state, refusals (role,
 * scope, no seat, call not in talk, unknown call) and the audit rows.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findFreePorts } from '@hotline/provisioning';
import { runSipp, SippRunResult, SippUas, startSippUas } from '../support/sipp/sipp.runner';
import { RtpTap } from '../support/sipp/supervisor-rtp-tap';
import { SUPERVISOR_TONE_HZ, writeTonePcap } from '../support/sipp/supervisor-tone-pcap.writer';
import { CallControlHarness, startCallControlHarness, waitFor, publishFlowOnLines } from '../support/call-control-harness';

jest.setTimeout(10 * 60_000);

const SCENARIOS = path.join(__dirname, '..', 'support', 'sipp', 'scenarios');
const DIRECT_FLOW = { start: 'queue', nodes: { queue: { type: 'queue' } } };
/** The tone's amplitude is 8000: above TONE_HEARD it reached the leg, below TONE_ABSENT it did not. */
const TONE_HEARD = 2_000;
const TONE_ABSENT = 400;
/** Citizen and agent hum at amplitude 300 on their own frequencies. */
const CITIZEN_HZ = 400;
const AGENT_HZ = 600;
const HUM_HEARD = 150;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('supervision: listen, whisper, barge, take over, release (real Asterisk, call-control, api, SIPp)', () => {
  let h: CallControlHarness;
  let agentPhone: SippUas;
  let supervisorPhone: SippUas;
  let agentTap: RtpTap;
  let citizenTap: RtpTap;
  let supervisorTap: RtpTap;
  let deskPhone: SippUas;
  let deskTap: RtpTap;
  let pcapDir: string;
  let quietPcap: string;
  let supervisorUserId: string;

  beforeAll(async () => {
    const [agentSip, agentRtp, supSip, supRtp, citizenRtp, deskSip, deskRtp] = (await findFreePorts(7)) as number[];
    pcapDir = await fs.mkdtemp(path.join(os.tmpdir(), 'supervision-pcaps-'));
    quietPcap = path.join(pcapDir, 'citizen-quiet.pcap');
    // Citizen and agent keep sending (quiet hums), as real phones do: every leg carries audio in every mode,
    // so the absence of the supervisor's tone means something, and a whisper has frames to be mixed into.
    await writeTonePcap(quietPcap, 150, { hz: CITIZEN_HZ, amplitude: 300 });
    agentTap = await RtpTap.start(agentRtp!, { talk: { hz: AGENT_HZ, amplitude: 300 } });
    citizenTap = await RtpTap.start(citizenRtp!);
    supervisorTap = await RtpTap.start(supRtp!, { talk: { hz: SUPERVISOR_TONE_HZ, amplitude: 8_000 } });
    deskTap = await RtpTap.start(deskRtp!, { talk: { hz: SUPERVISOR_TONE_HZ, amplitude: 8_000 } });
    agentPhone = await startSippUas({ scenarioFile: path.join(SCENARIOS, 'supervisor-monitored-agent.xml'), variables: { RTP_PORT: agentRtp!, TALK_MS: 600_000 }, localPort: agentSip!, timeoutMs: 900_000 });
    supervisorPhone = await startSippUas({ scenarioFile: path.join(SCENARIOS, 'supervisor-phone.xml'), variables: { RTP_PORT: supRtp!, TALK_MS: 600_000 }, localPort: supSip!, timeoutMs: 900_000 });
    // A second seat whose phone the supervisor puts down by themselves after 5 s.
    deskPhone = await startSippUas({ scenarioFile: path.join(SCENARIOS, 'supervisor-phone.xml'), variables: { RTP_PORT: deskRtp!, TALK_MS: 5_000 }, localPort: deskSip!, timeoutMs: 900_000 });
    h = await startCallControlHarness('supervision', { rtpFrom: 38_000, rtpPorts: 100, withApi: true });
    await publishFlowOnLines(h.db, 'direct', DIRECT_FLOW);
    await h.db.query(`UPDATE acd_skills SET ring_timeout_seconds = 15, wrap_up_seconds = 2, announce_every_seconds = 600, max_wait_seconds = 3600`);
    await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ('seat-a1', 'a1', $1), ('seat-sup', '班长席', $2), ('seat-desk', '班长工位', $3)`, [`sip:seat-a1@127.0.0.1:${agentSip}`, `sip:seat-sup@127.0.0.1:${supSip}`, `sip:seat-desk@127.0.0.1:${deskSip}`]);
    await h.db.query(`INSERT INTO acd_agents (id, name) VALUES ('a1', 'a1')`);
    await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ('a1', 'general', 5)`);
    for (const what of ['ivr-flows', 'lines', 'seats', 'queues'] as const) expect(await h.commands.send('config.reload', { what, requestedBy: 'test' })).toMatchObject({ ok: true });
    supervisorUserId = (await h.db.query(`SELECT id FROM users WHERE username = 'supervisor'`)).rows[0].id;
    // An administrator gives the demo supervisor a seat phone and the general queue to supervise.
    await setSupervisor('seat-sup', ['general']);
    expect(await h.commands.send('agent.login', { agentId: 'a1', seat: 'seat-a1', requestedBy: 'test' })).toMatchObject({ ok: true });
  });

  afterAll(async () => {
    // The last call's recording is finalised after its hangup; closing under it would only log noise.
    if (h) await waitFor(async () => (await h.db.query(`SELECT 1 FROM recordings WHERE status = 'recording'`)).rowCount === 0, 20_000, 'recordings to be finalised');
    await h?.commands.send('agent.logout', { agentId: 'a1', requestedBy: 'test' });
    await h?.close();
    await agentPhone?.stop();
    await supervisorPhone?.stop();
    await agentTap?.close();
    await citizenTap?.close();
    await supervisorTap?.close();
    await deskPhone?.stop();
    await deskTap?.close();
    if (pcapDir) await fs.rm(pcapDir, { recursive: true, force: true });
  });

  const setSupervisor = async (seat: string | null, skills: string[]) => {
    await h.api.http().put(`/api/supervision/supervisors/${supervisorUserId}`).set(await h.api.auth('admin')).send({ seat, skills }).expect(200);
  };
  const act = async (user: string, method: 'post' | 'delete', url: string, body?: object) => {
    const request = h.api.http()[method](url).set(await h.api.auth(user));
    return body ? request.send(body) : request;
  };
  const ready = async () => {
    await waitFor(async () => (await h.commands.send('agent.set-state', { agentId: 'a1', state: 'ready', requestedBy: 'test' })).ok, 20_000, 'a1 to be ready');
  };
  const citizen = async (caller: string, holdMs: number): Promise<SippRunResult> => {
    const [sipPort] = (await findFreePorts(1)) as [number];
    return runSipp({
      scenarioFile: path.join(SCENARIOS, 'supervisor-monitored-citizen.xml'),
      variables: { AUDIO_PCAP: quietPcap, HOLD_MS: holdMs },
      service: '12345',
      remoteHost: '127.0.0.1',
      remotePort: h.asterisk.sipPort,
      localPort: sipPort,
      keys: { caller, rtp_port: citizenTap.port },
      timeoutMs: holdMs + 60_000,
    });
  };
  const callOf = async (caller: string) => (await h.db.query(`SELECT * FROM calls WHERE caller_number = $1 ORDER BY started_at DESC LIMIT 1`, [caller])).rows[0];
  const connected = async (caller: string): Promise<string> => {
    let callId = '';
    await waitFor(async () => {
      const call = await callOf(caller);
      if (!call) return false;
      callId = call.id;
      return (await h.db.query(`SELECT 1 FROM call_events WHERE call_id = $1 AND type = 'call.connected'`, [call.id])).rowCount === 1;
    }, 30_000, `${caller} to talk to the agent`);
    return callId;
  };
  const answeredCount = async () => (await supervisorPhone.logLines()).filter((line) => line.startsWith('answered seat-sup')).length;
  /** Tone level on each leg over a 2 s window starting 1.5 s from now (the mode settles first). */
  const measure = async () => {
    await sleep(1_500);
    const from = Date.now();
    await sleep(2_000);
    const to = Date.now();
    return {
      agent: agentTap.toneLevel(from, to) ?? 0,
      citizen: citizenTap.toneLevel(from, to) ?? 0,
      agentPackets: agentTap.count(from, to),
      citizenPackets: citizenTap.count(from, to),
      // What the supervisor hears of each side.
      hearsCitizen: supervisorTap.toneLevel(from, to, CITIZEN_HZ) ?? 0,
      hearsAgent: supervisorTap.toneLevel(from, to, AGENT_HZ) ?? 0,
      citizenHearsAgent: citizenTap.toneLevel(from, to, AGENT_HZ) ?? 0,
    };
  };
  const audit = async (callId: string) =>
    (await h.db.query(`SELECT supervision_id, mode, supervisor, seat, agent_id, started_at, ended_at, end_reason FROM supervision_sessions WHERE call_id = $1 ORDER BY started_at, id`, [callId])).rows;

  it('listen reaches neither leg, whisper only the agent, barge both; switching modes never rings the seat again; take-over leaves the citizen with the supervisor', async () => {
    await ready();
    const answersBefore = await answeredCount();
    const call = citizen('13900000001', 120_000);
    const callId = await connected('13900000001');

    const listen = await act('supervisor', 'post', `/api/supervision/calls/${callId}/listen`);
    expect(listen.status).toBe(200);
    expect(listen.body).toMatchObject({ callId, mode: 'listen', state: 'dialling' });
    await waitFor(() => h.published.some((event) => event.type === 'supervision.changed' && (event.payload as { callId: string; state: string }).callId === callId && (event.payload as { state: string }).state === 'active'), 15_000, 'the supervisor seat to answer');
    const listening = await measure();

    expect((await act('supervisor', 'post', `/api/supervision/calls/${callId}/whisper`)).body).toMatchObject({ mode: 'whisper', state: 'active' });
    const whispering = await measure();

    expect((await act('supervisor', 'post', `/api/supervision/calls/${callId}/barge`)).body).toMatchObject({ mode: 'barge', state: 'active' });
    const barging = await measure();

    expect((await act('supervisor', 'post', `/api/supervision/calls/${callId}/listen`)).body).toMatchObject({ mode: 'listen', state: 'active' });
    const listeningAgain = await measure();
    process.stderr.write(`[supervision] tone on agent/citizen legs, citizen/agent hum heard by the supervisor: listen ${fmt(listening)}, whisper ${fmt(whispering)}, barge ${fmt(barging)}, listen ${fmt(listeningAgain)}\n`);

    // Both phones receive audio all along (each other's hum), so the absence of the tone is meaningful.
    for (const window of [listening, whispering, barging, listeningAgain]) {
      expect(window.agentPackets).toBeGreaterThan(50);
      expect(window.citizenPackets).toBeGreaterThan(50);
      // In every mode the supervisor hears both sides (the snoop spies both directions; the bridge mixes).
      expect(window.hearsCitizen).toBeGreaterThan(HUM_HEARD);
      expect(window.hearsAgent).toBeGreaterThan(HUM_HEARD);
    }
    expect(listening.agent).toBeLessThan(TONE_ABSENT);
    expect(listening.citizen).toBeLessThan(TONE_ABSENT);
    expect(whispering.agent).toBeGreaterThan(TONE_HEARD);
    expect(whispering.citizen).toBeLessThan(TONE_ABSENT);
    expect(barging.agent).toBeGreaterThan(TONE_HEARD);
    expect(barging.citizen).toBeGreaterThan(TONE_HEARD);
    expect(listeningAgain.agent).toBeLessThan(TONE_ABSENT);
    expect(listeningAgain.citizen).toBeLessThan(TONE_ABSENT);
    // One INVITE to the supervisor's seat for all four modes.
    expect((await answeredCount()) - answersBefore).toBe(1);

    // Other supervisors see who is on the call.
    const active = await h.api.http().get('/api/supervision/active').set(await h.api.auth('admin')).expect(200);
    expect(active.body).toEqual([expect.objectContaining({ callId, supervisor: 'supervisor', mode: 'listen', seat: 'seat-sup', agentId: 'a1', endedAt: null })]);

    // Take-over: the agent's leg is hung up and the agent goes to wrap-up; the citizen now hears the supervisor.
    const agentByes = (await agentPhone.logLines()).filter((line) => line.startsWith('hangup=remote')).length;
    expect((await act('supervisor', 'post', `/api/supervision/calls/${callId}/take-over`)).body).toMatchObject({ mode: 'take_over', state: 'active' });
    await waitFor(async () => (await agentPhone.logLines()).filter((line) => line.startsWith('hangup=remote')).length === agentByes + 1, 10_000, 'the agent leg to be hung up');
    const takenOver = await measure();
    expect(takenOver.citizen).toBeGreaterThan(TONE_HEARD);
    expect(takenOver.agentPackets).toBe(0);
    // The state history is written behind the call (timeline writer): wait for the wrap-up row.
    const talkStates = async () => (await h.db.query(`SELECT state, reason, call_id FROM acd_agent_state_log WHERE agent_id = 'a1' AND state IN ('on_call', 'wrap_up') AND call_id = $1 ORDER BY at`, [callId])).rows;
    await waitFor(async () => (await talkStates()).length === 2, 10_000, 'the on-call and wrap-up rows');
    expect(await talkStates()).toEqual([{ state: 'on_call', reason: null, call_id: callId }, { state: 'wrap_up', reason: 'taken-over', call_id: callId }]);
    expect((await callOf('13900000001')).status).toBe('answered');
    // Switching back after a take-over is refused: the supervisor is the citizen's party now.
    const back = await act('supervisor', 'post', `/api/supervision/calls/${callId}/listen`);
    expect(back.status).toBe(409);
    expect(back.body.code).toBe('ALREADY_TAKEN_OVER');

    // The supervisor hangs up: the call ends with them.
    expect((await act('supervisor', 'delete', `/api/supervision/calls/${callId}`)).status).toBe(200);
    expect((await call).logLines).toContain('hangup=remote');
    await waitFor(async () => (await callOf('13900000001')).status === 'ended', 10_000, 'the call to end');
    expect((await answeredCount()) - answersBefore).toBe(1);

    const rows = await audit(callId);
    expect(rows.map((row) => [row.mode, row.end_reason])).toEqual([
      ['listen', 'switched-to-whisper'],
      ['whisper', 'switched-to-barge'],
      ['barge', 'switched-to-listen'],
      ['listen', 'switched-to-take_over'],
      ['take_over', 'stopped'],
    ]);
    expect(new Set(rows.map((row) => row.supervision_id)).size).toBe(1);
    for (const row of rows) {
      expect(row).toMatchObject({ supervisor: 'supervisor', seat: 'seat-sup', agent_id: 'a1' });
      expect(row.ended_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
    const ended = h.published.filter((event) => event.type === 'supervision.changed' && (event.payload as { callId: string }).callId === callId).map((event) => (event.payload as { state: string; mode: string }));
    expect(ended.at(-1)).toMatchObject({ state: 'ended', mode: 'take_over', reason: 'stopped' });
    expect((await h.api.http().get('/api/supervision/active').set(await h.api.auth('supervisor')).expect(200)).body).toEqual([]);
  });

  it('强拆 ends the call for citizen and agent; a supervisor listening in is cleaned up with it', async () => {
    await ready();
    const supervisorByes = (await supervisorPhone.logLines()).filter((line) => line.startsWith('hangup=remote')).length;
    const call = citizen('13900000002', 120_000);
    const callId = await connected('13900000002');
    expect((await act('supervisor', 'post', `/api/supervision/calls/${callId}/listen`)).status).toBe(200);
    await waitFor(() => h.published.some((event) => event.type === 'supervision.changed' && (event.payload as { callId: string; state: string }).callId === callId && (event.payload as { state: string }).state === 'active'), 15_000, 'the supervisor seat to answer');

    const release = await act('supervisor', 'post', `/api/supervision/calls/${callId}/release`);
    expect(release.status).toBe(200);
    expect(release.body).toMatchObject({ callId, released: true });
    expect((await call).logLines).toContain('hangup=remote');
    await waitFor(async () => (await callOf('13900000002')).status === 'ended', 10_000, 'the call to end');
    await waitFor(async () => (await supervisorPhone.logLines()).filter((line) => line.startsWith('hangup=remote')).length === supervisorByes + 1, 10_000, 'the supervisor seat to be hung up');
    await waitFor(async () => (await audit(callId)).every((row) => row.ended_at !== null), 10_000, 'the audit rows to close');
    expect((await audit(callId)).map((row) => [row.mode, row.end_reason])).toEqual(expect.arrayContaining([['release', 'done'], ['listen', 'call-ended']]));
    expect(await h.asterisk.rx('core show channels concise')).not.toContain('Snoop/');
    expect(await h.asterisk.rx('bridge show all')).not.toContain('sup-bridge-');
    expect(h.published.some((event) => event.type === 'supervision.released' && (event.payload as { callId: string; agentId: string }).callId === callId && (event.payload as { agentId: string }).agentId === 'a1')).toBe(true);
    // The agent is back in the normal cycle: wrap-up after the call.
    await waitFor(async () => (await h.db.query(`SELECT 1 FROM acd_agent_state_log WHERE agent_id = 'a1' AND state = 'wrap_up' AND call_id = $1`, [callId])).rowCount === 1, 10_000, 'a1 to go to wrap-up after the released call');
    // The released call cannot be supervised any more.
    const late = await act('supervisor', 'post', `/api/supervision/calls/${callId}/listen`);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('CALL_NOT_IN_TALK');
  });

  it('the supervisor putting their phone down cleans up their leg, snoop and bridge; the call goes on', async () => {
    await ready();
    await setSupervisor('seat-desk', ['general']);
    const call = citizen('13900000004', 60_000);
    const callId = await connected('13900000004');
    expect((await act('supervisor', 'post', `/api/supervision/calls/${callId}/listen`)).status).toBe(200);
    const changes = () => h.published.filter((event) => event.type === 'supervision.changed' && (event.payload as { callId: string }).callId === callId).map((event) => event.payload as { state: string; reason: string | null });
    await waitFor(() => changes().some((change) => change.state === 'active'), 15_000, 'the desk phone to answer');
    expect(await h.asterisk.rx('core show channels concise')).toContain('Snoop/');
    await waitFor(() => changes().some((change) => change.state === 'ended'), 15_000, 'the supervisor to hang up');
    expect(changes().at(-1)).toMatchObject({ state: 'ended', reason: 'supervisor-hung-up' });
    expect((await deskPhone.logLines()).filter((line) => line.startsWith('hangup=supervisor seat-desk'))).toHaveLength(1);
    await waitFor(async () => !(await h.asterisk.rx('core show channels concise')).includes('Snoop/'), 5_000, 'the snoop channel to go');
    expect(await h.asterisk.rx('bridge show all')).not.toContain('sup-bridge-');
    // Citizen and agent still talk: each still hears the other.
    const after = await measure();
    expect(after.citizenHearsAgent).toBeGreaterThan(HUM_HEARD);
    expect(after.agentPackets).toBeGreaterThan(50);
    expect((await callOf('13900000004')).status).toBe('answered');
    expect((await audit(callId)).map((row) => [row.mode, row.end_reason])).toEqual([['listen', 'supervisor-hung-up']]);

    // An admin (all queues, no seat needed to release) ends the call.
    expect((await act('admin', 'post', `/api/supervision/calls/${callId}/release`)).status).toBe(200);
    expect((await call).logLines).toContain('hangup=remote');
    await setSupervisor('seat-sup', ['general']);
  });

  it('refuses clearly: not a supervisor (403), out of scope (403), no seat (409), not in talk (409), unknown call (404); forced agent state is audited', async () => {
    await ready();
    // A supervisor forces the agent not ready: the next call waits in the queue.
    const forced = await act('supervisor', 'post', '/api/supervision/agents/a1/state', { state: 'not_ready', reason: '培训' });
    expect(forced.status).toBe(200);
    await waitFor(async () => (await h.db.query(`SELECT state FROM acd_agent_state_log WHERE agent_id = 'a1' ORDER BY id DESC LIMIT 1`)).rows[0]?.state === 'not_ready', 10_000, 'a1 to be not ready');
    const forcedRow = (await h.db.query(`SELECT mode, detail, supervisor, agent_id, ended_at FROM supervision_sessions WHERE mode = 'agent_state'`)).rows;
    expect(forcedRow).toEqual([expect.objectContaining({ mode: 'agent_state', detail: 'not_ready: 培训', supervisor: 'supervisor', agent_id: 'a1' })]);
    expect(forcedRow[0].ended_at).not.toBeNull();

    const call = citizen('13900000003', 25_000);
    let callId = '';
    await waitFor(async () => {
      const row = await callOf('13900000003');
      callId = row?.id ?? '';
      return !!row && (await h.db.query(`SELECT 1 FROM call_events WHERE call_id = $1 AND type = 'call.queued'`, [row.id])).rowCount === 1;
    }, 20_000, 'the call to be queued');

    const byAgent = await act('agent', 'post', `/api/supervision/calls/${callId}/listen`);
    expect(byAgent.status).toBe(403);
    expect((await act('agent', 'post', `/api/supervision/calls/${callId}/release`)).status).toBe(403);
    expect((await act('agent', 'post', '/api/supervision/agents/a1/state', { state: 'ready' })).status).toBe(403);

    const waiting = await act('supervisor', 'post', `/api/supervision/calls/${callId}/listen`);
    expect(waiting.status).toBe(409);
    expect(waiting.body.code).toBe('CALL_NOT_IN_TALK');

    const unknown = await act('supervisor', 'post', '/api/supervision/calls/00000000-0000-4000-8000-000000000000/barge');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CALL_NOT_FOUND');

    await setSupervisor('seat-sup', ['environment']);
    const outOfScope = await act('supervisor', 'post', `/api/supervision/calls/${callId}/whisper`);
    expect(outOfScope.status).toBe(403);
    expect(outOfScope.body.code).toBe('NOT_IN_SCOPE');
    const agentOutOfScope = await act('supervisor', 'post', '/api/supervision/agents/a1/state', { state: 'ready' });
    expect(agentOutOfScope.status).toBe(403);

    await setSupervisor(null, ['general']);
    const noSeat = await act('supervisor', 'post', `/api/supervision/calls/${callId}/listen`);
    expect(noSeat.status).toBe(409);
    expect(noSeat.body.code).toBe('NO_SUPERVISOR_SEAT');
    await setSupervisor('seat-sup', ['general']);

    expect((await call).logLines).toContain('hangup=local');
    // Nothing was started by the refused requests.
    expect((await audit(callId))).toEqual([]);
  });
});

function fmt(window: { agent: number; citizen: number; hearsCitizen: number; hearsAgent: number }): string {
  return `${window.agent.toFixed(0)}/${window.citizen.toFixed(0)} (hears ${window.hearsCitizen.toFixed(0)}/${window.hearsAgent.toFixed(0)})`;
}
