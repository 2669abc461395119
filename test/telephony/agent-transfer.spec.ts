/**
 * Agent transfers (issue 7) against the real Asterisk: a SIPp citizen calls 12345 and is connected to a
 * SIPp agent phone; call-control dials a "110 dispatcher" (SIPp UAS behind the carrier trunk) that answers,
 * is busy (486) or never answers. Proves warm transfer (complete, three-way then leave, cancel), blind
 * transfer, busy/no answer/citizen-hangs-up handling, dial-string injection refused at the api, the
 * call_transfers trail, emergency marking of the order, and that the citizen's recording covers the
 * three-way part.
 */
import * as path from 'node:path';
import { findFreePorts } from '@hotline/provisioning';
import type { HotlineEvent } from '@hotline/realtime';
import { SippRunResult, SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { talkingCitizen } from '../support/sipp/talking-citizen';
import { CallControlHarness, startCallControlHarness, waitFor, publishFlowOnLines } from '../support/call-control-harness';
import { closeAfterRecordings } from '../support/call-control-processes';
import { analyseWav } from '../support/wav-analysis';

jest.setTimeout(15 * 60_000);

const DIRECT_FLOW = { start: 'queue', nodes: { queue: { type: 'queue' } } };
const DISPATCHER_BUSY = path.join(__dirname, '..', 'support', 'sipp', 'scenarios', 'dispatcher-busy.xml');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Agent transfers over ARI (real Asterisk, SIPp citizen, agent and 110 dispatcher)', () => {
  let h: CallControlHarness;
  let phones: SippUas;
  let dispatcher: SippUas | null = null;
  let carrierPort: number;
  let destinations: Record<string, string>;
  let citizenSeq = 0;

  beforeAll(async () => {
    const [phonePort] = (await findFreePorts(1)) as [number];
    [carrierPort] = (await findFreePorts(1)) as [number];
    // The agent never hangs up by themselves here: transfers decide when they leave.
    phones = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 500, TALK_MS: 600_000 }, localPort: phonePort, timeoutMs: 900_000 });
    h = await startCallControlHarness('xfer', {
      rtpFrom: 47_200,
      rtpPorts: 200,
      withApi: true,
      config: { OUTBOUND_ENDPOINT_TEMPLATE: `PJSIP/carrier/sip:{number}@127.0.0.1:${carrierPort}` },
    });
    await publishFlowOnLines(h.db, 'direct', DIRECT_FLOW);
    await h.db.query(`UPDATE acd_skills SET ring_timeout_seconds = 10, wrap_up_seconds = 1, announce_every_seconds = 600, max_wait_seconds = 3600`);
    await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ('seat-1', 'seat-1', $1)`, [`sip:seat-1@127.0.0.1:${phonePort}`]);
    // Agent a1 is the demo login "agent": the api lets that login transfer a1's calls only.
    await h.db.query(`INSERT INTO acd_agents (id, name, user_id) VALUES ('a1', 'a1', (SELECT id FROM users WHERE username = 'agent'))`);
    await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ('a1', 'general', 5)`);
    // An unanswered destination gives up after 5 s (the allow-list's own setting).
    await h.db.query(`UPDATE ivr_transfer_destinations SET ring_timeout_seconds = 5`);
    destinations = Object.fromEntries((await h.db.query(`SELECT number, id FROM ivr_transfer_destinations`)).rows.map((row) => [row.number, row.id]));
    for (const what of ['ivr-flows', 'lines', 'seats', 'queues'] as const) expect(await h.commands.send('config.reload', { what, requestedBy: 'test' })).toMatchObject({ ok: true });
    await command('agent.login', { agentId: 'a1', seat: 'seat-1' });
    await command('agent.set-state', { agentId: 'a1', state: 'ready' });
  });

  afterAll(() =>
    closeAfterRecordings(
      h,
      () => h?.commands.send('agent.logout', { agentId: 'a1', requestedBy: 'test' }).catch(() => undefined),
      () => dispatcher?.stop(),
      () => h?.close(),
      () => phones?.stop(),
    ),
  );

  async function command(type: Parameters<CallControlHarness['commands']['send']>[0], payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const result = await h.commands.send(type, { requestedBy: 'test', ...payload } as never);
    if (!result.ok) throw new Error(`${type} refused: ${result.error.code} ${result.error.message}`);
    return result.result;
  }

  /** The SIPp process behind the carrier: a dispatcher who answers (and hangs up after talkMs), is busy, or never answers. */
  async function useDispatcher(variant: 'answers' | 'busy' | 'never-answers', talkMs = 600_000): Promise<SippUas> {
    await dispatcher?.stop();
    const scenarioFile = variant === 'answers' ? SIPP_SCENARIOS.agentPhone : variant === 'busy' ? DISPATCHER_BUSY : SIPP_SCENARIOS.deadPhone;
    dispatcher = await startSippUas({ scenarioFile, variables: { ANSWER_AFTER_MS: 500, TALK_MS: talkMs }, localPort: carrierPort, timeoutMs: 600_000 });
    return dispatcher;
  }

  /** A citizen who talks and stays up to holdMs (or until hung up); resolves once an agent took the call. */
  async function connectedCitizen(holdMs: number): Promise<{ callId: string; channelId: string; entryId: string; run: Promise<SippRunResult> }> {
    const caller = `1370000${String(++citizenSeq).padStart(4, '0')}`;
    const run = talkingCitizen(h.asterisk.sipPort, caller, holdMs);
    let connected: HotlineEvent<'call.connected'> | undefined;
    await waitFor(async () => {
      const call = (await h.db.query(`SELECT id FROM calls WHERE caller_number = $1`, [caller])).rows[0];
      connected = call ? (h.published.find((event) => event.type === 'call.connected' && (event as HotlineEvent<'call.connected'>).payload.callId === call.id) as HotlineEvent<'call.connected'> | undefined) : undefined;
      return !!connected;
    }, 30_000, `citizen ${caller} to be connected to the agent`);
    const bridgeId = connected!.payload.bridgeId;
    return { callId: connected!.payload.callId, channelId: connected!.payload.channelId, entryId: bridgeId.replace(/^acd-bridge-/, ''), run };
  }

  const transferEvent = (type: string, transferId: string) =>
    waitFor(async () => h.published.some((event) => event.type === type && (event.payload as { transferId?: string }).transferId === transferId), 30_000, `${type} of ${transferId}`);
  /** The transfer's row once it is closed: the trail is written beside the call path, moments after the events. */
  const trail = async (transferId: string) => {
    const row = async () => (await h.db.query(`SELECT * FROM call_transfers WHERE id = $1`, [transferId])).rows[0];
    await waitFor(async () => (await row())?.state === 'ended', 5_000, `the trail of ${transferId} to be closed`);
    return row();
  };
  const ari = async (resource: string) => {
    const response = await fetch(`${h.asterisk.ariUrl}/ari${resource}`, { headers: { authorization: `Basic ${Buffer.from(`${h.asterisk.ariUsername}:${h.asterisk.ariPassword}`).toString('base64')}` } });
    return { status: response.status, body: response.status === 200 ? ((await response.json()) as { channels?: string[] } & unknown[]) : null };
  };
  const bridgeChannels = async (bridgeId: string): Promise<string[]> => ((await ari(`/bridges/${bridgeId}`)).body?.channels as string[] | undefined) ?? [];
  const agentStates = async () => (await h.db.query(`SELECT state FROM acd_agent_state_log WHERE agent_id = 'a1' ORDER BY id`)).rows.map((row) => row.state as string);
  /** After each call: the agent went through wrap-up and is ready for the next. */
  const agentReadyAgain = async (since: number) => {
    await waitFor(async () => (await agentStates()).at(-1) === 'ready' && (await agentStates()).length > since, 20_000, 'a1 to be ready again');
    expect((await agentStates()).slice(since)).toContain('wrap_up');
  };
  const intakeFor = async (link: { draftId: string } | { callIds: string[] }) => {
    const category = (await h.db.query(`SELECT id FROM categories WHERE code = 'market.consumer'`)).rows[0].id;
    const body = { channel: 'phone', type: 'help', categoryId: category, regionCode: '652701', subject: `路边有人受伤 ${citizenSeq}`, content: `市民报告路边有人受伤 ${citizenSeq}`, caller: { phone: `1380000${String(citizenSeq).padStart(4, '0')}` }, ...link };
    return h.api.http().post('/api/work-orders').set(await h.api.auth('agent')).send(body).expect(201);
  };
  const startTransfer = async (callId: string, number: string, mode: 'warm' | 'blind', hold = true) =>
    (await command('transfer.start', { callId, destinationId: destinations[number], mode, hold })).transferId as string;

  it('warm transfer from the api (agent, own call): consults with 110 on hold, completes; the agent leaves to wrap-up; the order is emergency-linked', async () => {
    const far = await useDispatcher('answers', 5_000);
    const statesBefore = (await agentStates()).length;
    const citizen = await connectedCitizen(60_000);
    const auth = await h.api.auth('agent');
    const started = await h.api.http().post(`/api/calls/${citizen.callId}/transfers`).set(auth).send({ destination: '110', mode: 'warm' }).expect(200);
    const transferId = started.body.transferId as string;
    await transferEvent('transfer.answered', transferId);
    // Consult: the citizen is out of the ACD bridge (music on hold); agent and dispatcher talk privately.
    const acdBridge = `acd-bridge-${citizen.entryId}`;
    expect(await bridgeChannels(acdBridge)).not.toContain(citizen.channelId);
    expect(await bridgeChannels(acdBridge)).toHaveLength(2);
    await sleep(1_000);
    await h.api.http().post(`/api/calls/${citizen.callId}/transfers/${transferId}/complete`).set(auth).expect(200);
    await transferEvent('transfer.completed', transferId);
    expect(await bridgeChannels(`xfer-bridge-${citizen.callId}`)).toContain(citizen.channelId);
    await agentReadyAgain(statesBefore);
    // The dispatcher ends the call (TALK_MS): the citizen is hung up.
    expect((await citizen.run).logLines).toContain('hangup=remote');
    expect((await phones.logLines()).filter((line) => line.startsWith('hangup=remote seat-1')).length).toBeGreaterThan(0);
    expect((await far.logLines()).some((line) => line.startsWith('hangup=agent 110'))).toBe(true);
    const row = await trail(transferId);
    expect(row).toMatchObject({ call_id: citizen.callId, destination_number: '110', emergency: true, mode: 'warm', agent_id: 'a1', requested_by: 'agent', state: 'ended', outcome: 'completed' });
    expect(row.answered_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    expect(row.ended_at.getTime()).toBeGreaterThan(row.answered_at.getTime());
    const timeline = (await h.db.query(`SELECT type FROM call_events WHERE call_id = $1 ORDER BY sequence`, [citizen.callId])).rows.map((event) => event.type);
    expect(timeline).toEqual(expect.arrayContaining(['transfer.started', 'transfer.answered', 'transfer.completed']));
    // The order the agent files from the call's draft is an emergency-linked matter; its trail shows the transfer.
    const draft = h.published.find((event) => event.type === 'call.work-order-draft' && (event as HotlineEvent<'call.work-order-draft'>).payload.callId === citizen.callId) as HotlineEvent<'call.work-order-draft'>;
    const intake = await intakeFor({ draftId: draft.payload.draftId });
    expect(intake.body.workOrder.emergencyLinked).toBe(true);
    const orderTrail = await h.api.http().get(`/api/work-orders/${intake.body.workOrder.id}/transfers`).set(auth).expect(200);
    expect(orderTrail.body).toEqual([expect.objectContaining({ id: transferId, destinationNumber: '110', emergency: true, outcome: 'completed' })]);
  });

  it('three-way then the agent leaves: the citizen recording covers the three-way part', async () => {
    // The dispatcher hangs up while its speech (6.4 s from its answer) still plays: MixMonitor writes only
    // while frames flow, and SIPp sends nothing after its pcap (a real phone keeps sending RTP).
    await useDispatcher('answers', 6_000);
    const statesBefore = (await agentStates()).length;
    const citizen = await connectedCitizen(60_000);
    const transferId = await startTransfer(citizen.callId, '119', 'warm');
    await transferEvent('transfer.answered', transferId);
    await command('transfer.conference', { callId: citizen.callId, transferId });
    await transferEvent('transfer.conference', transferId);
    const acdBridge = `acd-bridge-${citizen.entryId}`;
    expect(await bridgeChannels(acdBridge)).toHaveLength(3);
    await sleep(3_000);
    await command('transfer.complete', { callId: citizen.callId, transferId });
    await transferEvent('transfer.completed', transferId);
    await agentReadyAgain(statesBefore);
    expect((await citizen.run).logLines).toContain('hangup=remote');
    const row = await trail(transferId);
    expect(row).toMatchObject({ outcome: 'completed', emergency: true });
    expect(row.conference_at).not.toBeNull();
    // The call's row is written behind the call: wait for its end to land.
    await waitFor(async () => (await h.db.query(`SELECT 1 FROM calls WHERE id = $1 AND ended_at IS NOT NULL`, [citizen.callId])).rowCount === 1, 10_000, 'the call to be closed');
    const call = (await h.db.query(`SELECT started_at, ended_at FROM calls WHERE id = $1`, [citizen.callId])).rows[0];
    await waitFor(async () => (await h.db.query(`SELECT 1 FROM recordings WHERE call_id = $1 AND status = 'finalised'`, [citizen.callId])).rowCount === 1, 20_000, 'the recording to be finalised');
    const recording = (await h.db.query(`SELECT file_path, duration_ms FROM recordings WHERE call_id = $1`, [citizen.callId])).rows[0];
    const callMs = call.ended_at.getTime() - call.started_at.getTime();
    const threeWayFromMs = row.conference_at.getTime() - call.started_at.getTime();
    const audio = await analyseWav(path.join(h.recordingsDir, recording.file_path), 500);
    process.stderr.write(`[transfer recording] call ${callMs} ms, recording ${recording.duration_ms} ms, three-way from ${threeWayFromMs} ms, after completion ${call.ended_at.getTime() - row.ended_at.getTime()} ms\n`);
    // The recording runs to the end of the call: the three-way part and the citizen ↔ dispatcher part after it.
    expect(Math.abs(recording.duration_ms - callMs)).toBeLessThanOrEqual(1_500);
    expect(recording.duration_ms).toBeGreaterThan(threeWayFromMs + 3_000);
    // The dispatcher's speech (played from its answer) is in the recording during the three-way part.
    const threeWayWindows = audio.windowRms.slice(Math.floor(threeWayFromMs / 500) + 1, Math.floor(threeWayFromMs / 500) + 5);
    expect(Math.max(...threeWayWindows)).toBeGreaterThan(200);
  });

  it('cancel: the destination is hung up and the citizen is back with the agent', async () => {
    const far = await useDispatcher('answers');
    const statesBefore = (await agentStates()).length;
    const citizen = await connectedCitizen(12_000);
    const transferId = await startTransfer(citizen.callId, '120', 'warm');
    await transferEvent('transfer.answered', transferId);
    // A supervisor may act on any agent's call.
    await h.api.http().post(`/api/calls/${citizen.callId}/transfers/${transferId}/cancel`).set(await h.api.auth('supervisor')).expect(200);
    await transferEvent('transfer.cancelled', transferId);
    await waitFor(async () => (await far.logLines()).some((line) => line.startsWith('hangup=remote 120')), 10_000, 'the dispatcher to be hung up');
    expect((await bridgeChannels(`acd-bridge-${citizen.entryId}`)).sort()).toEqual(expect.arrayContaining([citizen.channelId]));
    expect(await bridgeChannels(`acd-bridge-${citizen.entryId}`)).toHaveLength(2);
    expect((await trail(transferId)).outcome).toBe('cancelled');
    expect((await citizen.run).logLines).toContain('hangup=local');
    await agentReadyAgain(statesBefore);
  });

  it('blind transfer: no consult; when the destination answers the citizen has it and the agent leaves', async () => {
    await useDispatcher('answers', 3_000);
    const statesBefore = (await agentStates()).length;
    const citizen = await connectedCitizen(60_000);
    const transferId = await startTransfer(citizen.callId, '96116', 'blind');
    await transferEvent('transfer.completed', transferId);
    expect(await bridgeChannels(`xfer-bridge-${citizen.callId}`)).toContain(citizen.channelId);
    await agentReadyAgain(statesBefore);
    expect((await citizen.run).logLines).toContain('hangup=remote');
    expect(await trail(transferId)).toMatchObject({ mode: 'blind', outcome: 'completed', emergency: false, destination_number: '96116' });
    expect(h.published.some((event) => event.type === 'transfer.answered' && (event.payload as { transferId: string }).transferId === transferId)).toBe(false);
    // A handling unit is no emergency: the order keeps the ordinary deadlines.
    expect((await intakeFor({ callIds: [citizen.callId] })).body.workOrder.emergencyLinked).toBe(false);
  });

  it.each([
    ['busy', 'busy' as const, 17],
    ['no answer', 'never-answers' as const, null],
  ])('%s: the agent is told and the citizen is back with the agent', async (_name, variant, cause) => {
    await useDispatcher(variant);
    const citizen = await connectedCitizen(20_000);
    const transferId = await startTransfer(citizen.callId, '110', 'warm');
    await transferEvent('transfer.failed', transferId);
    const failed = h.published.find((event) => event.type === 'transfer.failed' && (event.payload as { transferId: string }).transferId === transferId)!;
    expect(failed.payload).toMatchObject({ outcome: variant === 'busy' ? 'busy' : 'no_answer', agentId: 'a1', emergency: true });
    if (cause !== null) expect(failed.payload).toMatchObject({ hangupCause: cause });
    expect(await bridgeChannels(`acd-bridge-${citizen.entryId}`)).toContain(citizen.channelId);
    expect(await bridgeChannels(`acd-bridge-${citizen.entryId}`)).toHaveLength(2);
    expect(await trail(transferId)).toMatchObject({ outcome: variant === 'busy' ? 'busy' : 'no_answer', answered_at: null });
    expect((await citizen.run).logLines).toContain('hangup=local');
  });

  it('citizen hangs up during the consult: the destination leg and the agent are cleaned up', async () => {
    const far = await useDispatcher('answers');
    const statesBefore = (await agentStates()).length;
    const citizen = await connectedCitizen(7_000);
    const transferId = await startTransfer(citizen.callId, '122', 'warm');
    await transferEvent('transfer.answered', transferId);
    expect((await citizen.run).logLines).toContain('hangup=local');
    await transferEvent('transfer.failed', transferId);
    expect(await trail(transferId)).toMatchObject({ outcome: 'caller_left', state: 'ended' });
    await waitFor(async () => (await far.logLines()).some((line) => line.startsWith('hangup=remote 122')), 10_000, 'the dispatcher to be hung up');
    await agentReadyAgain(statesBefore);
    await waitFor(async () => ((await ari('/channels')).body as unknown[]).length === 0, 10_000, 'no channel left in Asterisk');
    expect(await bridgeChannels(`acd-bridge-${citizen.entryId}`)).toEqual([]);
  });

  it('citizen kept listening (no hold): three in the bridge during the consult; the agent hanging up hands the citizen over', async () => {
    await useDispatcher('answers', 8_000);
    // Agent a2 at seat-2 hangs up 4 s after answering (their phone ends the call mid-consult).
    const [port2] = (await findFreePorts(1)) as [number];
    const leavingPhone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 500, TALK_MS: 4_000 }, localPort: port2, timeoutMs: 300_000 });
    try {
      await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ('seat-2', 'seat-2', $1)`, [`sip:seat-2@127.0.0.1:${port2}`]);
      await h.db.query(`INSERT INTO acd_agents (id, name) VALUES ('a2', 'a2')`);
      await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ('a2', 'general', 5)`);
      await command('config.reload', { what: 'seats' });
      await command('agent.set-state', { agentId: 'a1', state: 'not_ready', reason: 'test' });
      await command('agent.login', { agentId: 'a2', seat: 'seat-2' });
      await command('agent.set-state', { agentId: 'a2', state: 'ready' });
      const citizen = await connectedCitizen(60_000);
      // The login "agent" is a1: a2's call is not theirs to transfer.
      const notTheirs = await h.api.http().post(`/api/calls/${citizen.callId}/transfers`).set(await h.api.auth('agent')).send({ destination: '110', mode: 'warm' });
      expect([notTheirs.status, notTheirs.body.code]).toEqual([403, 'TRANSFER_NOT_YOUR_CALL']);
      const transferId = await startTransfer(citizen.callId, '110', 'warm', false);
      await transferEvent('transfer.answered', transferId);
      expect(await bridgeChannels(`acd-bridge-${citizen.entryId}`)).toContain(citizen.channelId);
      expect(await bridgeChannels(`acd-bridge-${citizen.entryId}`)).toHaveLength(3);
      await transferEvent('transfer.completed', transferId);
      expect((await leavingPhone.logLines()).some((line) => line.startsWith('hangup=agent seat-2'))).toBe(true);
      expect(await bridgeChannels(`xfer-bridge-${citizen.callId}`)).toContain(citizen.channelId);
      expect((await citizen.run).logLines).toContain('hangup=remote');
      expect(await trail(transferId)).toMatchObject({ agent_id: 'a2', outcome: 'completed' });
      await waitFor(async () => (await h.db.query(`SELECT state FROM acd_agent_state_log WHERE agent_id = 'a2' ORDER BY id DESC LIMIT 1`)).rows[0]?.state === 'ready', 20_000, 'a2 ready after wrap-up');
      expect((await h.db.query(`SELECT state FROM acd_agent_state_log WHERE agent_id = 'a2' ORDER BY id`)).rows.map((row) => row.state)).toContain('wrap_up');
    } finally {
      await command('agent.logout', { agentId: 'a2' });
      await command('agent.set-state', { agentId: 'a1', state: 'ready' });
      await leavingPhone.stop();
    }
  });

  it('the allow-list is edited by admins over the api: a handling unit added is usable, deactivated it is refused', async () => {
    await useDispatcher('answers', 2_000);
    const admin = await h.api.auth('admin');
    const body = { number: '12399', name: '区住建局值班', kind: 'unit', ringTimeoutSeconds: 10 };
    expect((await h.api.http().post('/api/transfer-destinations').set(await h.api.auth('agent')).send(body)).status).toBe(403);
    expect((await h.api.http().post('/api/transfer-destinations').set(admin).send({ ...body, number: '12399&PJSIP/x' })).status).toBe(400);
    const created = await h.api.http().post('/api/transfer-destinations').set(admin).send(body).expect(201);
    expect((await h.api.http().post('/api/transfer-destinations').set(admin).send(body)).status).toBe(409);
    const listed = await h.api.http().get('/api/transfer-destinations').set(await h.api.auth('agent')).expect(200);
    expect(listed.body).toEqual(expect.arrayContaining([expect.objectContaining({ number: '110', kind: 'emergency' }), expect.objectContaining({ number: '12399', kind: 'unit', updatedBy: 'admin' })]));
    const citizen = await connectedCitizen(30_000);
    const started = await h.api.http().post(`/api/calls/${citizen.callId}/transfers`).set(await h.api.auth('supervisor')).send({ destination: created.body.id, mode: 'blind' }).expect(200);
    await transferEvent('transfer.completed', started.body.transferId);
    expect(await trail(started.body.transferId)).toMatchObject({ destination_number: '12399', emergency: false, requested_by: 'supervisor' });
    await citizen.run;
    await h.api.http().put(`/api/transfer-destinations/${created.body.id}`).set(admin).send({ ...body, active: false }).expect(200);
    const again = await connectedCitizen(10_000);
    const refused = await h.api.http().post(`/api/calls/${again.callId}/transfers`).set(await h.api.auth('supervisor')).send({ destination: '12399', mode: 'blind' });
    expect([refused.status, refused.body.code]).toEqual([400, 'TRANSFER_DESTINATION_NOT_ALLOWED']);
    await again.run;
  });

  it("the IVR's transfer node leaves a trail row too (mode ivr), so its emergency transfers count for the order", async () => {
    await useDispatcher('answers', 2_000);
    await publishFlowOnLines(h.db, 'to-120', { start: 't', nodes: { t: { type: 'transfer', number: '120' } } });
    await command('config.reload', { what: 'ivr-flows' });
    await command('config.reload', { what: 'lines' });
    try {
      const caller = `1370000${String(++citizenSeq).padStart(4, '0')}`;
      const run = await talkingCitizen(h.asterisk.sipPort, caller, 20_000);
      expect(run.logLines).toContain('hangup=remote');
      const callId = (await h.db.query(`SELECT id FROM calls WHERE caller_number = $1`, [caller])).rows[0].id;
      await waitFor(async () => (await h.db.query(`SELECT 1 FROM call_transfers WHERE call_id = $1 AND state = 'ended'`, [callId])).rowCount === 1, 10_000, 'the IVR transfer row');
      expect((await h.db.query(`SELECT * FROM call_transfers WHERE call_id = $1`, [callId])).rows[0]).toMatchObject({ mode: 'ivr', destination_number: '120', emergency: true, agent_id: null, requested_by: 'ivr', outcome: 'completed' });
    } finally {
      await h.db.query(`UPDATE hotline_lines SET flow_name = 'direct' WHERE number = '12345'`);
      await command('config.reload', { what: 'lines' });
    }
  });

  it('refuses dial-string injection and destinations off the allow-list with 400; nothing is originated', async () => {
    const far = await useDispatcher('answers');
    const citizen = await connectedCitizen(15_000);
    const auth = await h.api.auth('agent');
    const invitesBefore = (await far.logLines()).length;
    for (const destination of ['110&PJSIP/evil', '110,xyz', '110)', '１１０', '110 ', '11', '1234567890123456', 'PJSIP/110', '110;x=1', '${SHELL}', '110\u0000']) {
      const response = await h.api.http().post(`/api/calls/${citizen.callId}/transfers`).set(auth).send({ destination, mode: 'warm' });
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const offList = await h.api.http().post(`/api/calls/${citizen.callId}/transfers`).set(auth).send({ destination: '12399', mode: 'blind' });
    expect([offList.status, offList.body.code]).toEqual([400, 'TRANSFER_DESTINATION_NOT_ALLOWED']);
    const extraField = await h.api.http().post(`/api/calls/${citizen.callId}/transfers`).set(auth).send({ destination: '110', mode: 'warm', endpoint: 'PJSIP/evil' });
    expect(extraField.status).toBe(400);
    // The command interface refuses anything but an allow-list id too.
    const raw = await h.commands.send('transfer.start', { callId: citizen.callId, destinationId: '110&PJSIP/evil', mode: 'warm', requestedBy: 'test' } as never);
    expect(raw).toMatchObject({ ok: false, error: { code: 'INVALID_COMMAND' } });
    // Only centre roles on calls: a quality inspector may not transfer.
    const quality = await h.api.http().post(`/api/calls/${citizen.callId}/transfers`).set(await h.api.auth('quality')).send({ destination: '110', mode: 'warm' });
    expect(quality.status).toBe(403);
    expect((await h.db.query(`SELECT count(*)::int AS n FROM call_transfers WHERE call_id = $1`, [citizen.callId])).rows[0].n).toBe(0);
    await sleep(500);
    expect((await far.logLines()).length).toBe(invitesBefore);
    await citizen.run;
  });
});
