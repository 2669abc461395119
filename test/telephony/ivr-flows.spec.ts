/**
 * IVR flows as data against the real Asterisk: SIPp citizens press RFC 4733 keys (generated pcaps, so any
 * sequence works), call-control walks the published flow, and the call timeline in Postgres shows the path.
 * Flows, lines and caller lists are changed through the api while everything runs: nothing is restarted.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { findFreePorts } from '@hotline/provisioning';
import { RtpListener } from '../support/sipp/rtp-listener';
import { dtmfPcapXml, runSipp, SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { TtsPromptService } from '../../apps/call-control/src/ivr/tts-prompt.service';

jest.setTimeout(10 * 60_000);

interface TimelineEvent {
  type: string;
  payload: Record<string, unknown>;
}

describe('IVR flows as data (real Asterisk, SIPp, api)', () => {
  let h: CallControlHarness;
  let admin: Record<string, string>;
  let farEnd: SippUas;

  beforeAll(async () => {
    // Transfers dial out through the carrier; here the "carrier" is a SIPp UAS that answers and talks 3 s.
    const [farPort] = (await findFreePorts(1)) as [number];
    farEnd = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 500, TALK_MS: 3_000 }, localPort: farPort, timeoutMs: 900_000 });
    h = await startCallControlHarness('ivr', { rtpFrom: 36_000, withApi: true, config: { OUTBOUND_ENDPOINT_TEMPLATE: `PJSIP/carrier/sip:{number}@127.0.0.1:${farPort}` } });
    admin = await h.api.auth('admin');
  });

  afterAll(async () => {
    await h?.close();
    await farEnd?.stop();
  });

  const call = async (options: { service: string; caller: string; digits?: string; preMs?: number; postMs: number; spacingMs?: number }) => {
    const [sipPort, rtpPort] = (await findFreePorts(2)) as [number, number];
    const listener = await RtpListener.start({ port: rtpPort });
    const dtmf = options.digits ? await dtmfPcapXml(options.digits, options.spacingMs ?? 500) : { xml: '', durationMs: 0 };
    try {
      const result = await runSipp({
        scenarioFile: SIPP_SCENARIOS.citizenDtmf,
        variables: { PRE_DTMF_MS: options.preMs ?? 1_500, DTMF_SEQUENCE: dtmf.xml, POST_DTMF_MS: options.postMs },
        service: options.service,
        remoteHost: '127.0.0.1',
        remotePort: h.asterisk.sipPort,
        localPort: sipPort,
        keys: { caller: options.caller, rtp_port: rtpPort },
        timeoutMs: 120_000,
      });
      return { result, rtp: listener.stats() };
    } finally {
      await listener.close();
    }
  };

  const callOf = async (caller: string) => (await h.db.query(`SELECT * FROM calls WHERE caller_number = $1 ORDER BY started_at DESC LIMIT 1`, [caller])).rows[0];
  const timeline = async (callId: string): Promise<TimelineEvent[]> =>
    (await h.db.query(`SELECT type, payload FROM call_events WHERE call_id = $1 ORDER BY sequence`, [callId])).rows;
  const ivrPath = (events: TimelineEvent[]) => events.filter((event) => event.type === 'call.ivr').map((event) => `${event.payload.nodeId} ${event.payload.outcome}`);
  const settled = async (caller: string) => {
    await waitFor(async () => (await callOf(caller))?.status === 'ended', 15_000, `the call of ${caller} to end`);
    return callOf(caller);
  };

  it('default flow: a caller who presses nothing reaches the queue of the line (no key needed, GB/T 33358)', async () => {
    const { result, rtp } = await call({ service: '12345', caller: '13900000001', postMs: 23_000 });
    expect(result.counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });
    const record = await settled('13900000001');
    const events = await timeline(record.id);
    expect(ivrPath(events)).toEqual(['blocked-check else', 'elderly-check else', 'main-menu no-input', 'to-agent general']);
    expect(events.find((event) => event.type === 'call.queued')?.payload).toMatchObject({ skill: 'general', priority: 0, position: 1 });
    // The menu, then hold music, reached the caller as audio.
    expect(rtp.pcmaVoicedPackets).toBeGreaterThan(300);
  });

  it('DNIS: a call on integrated line 12315 is tagged with the line and queued for its skill', async () => {
    await call({ service: '12315', caller: '13900000002', digits: '0', postMs: 5_000 });
    const record = await settled('13900000002');
    expect(record).toMatchObject({ dialed_number: '12315', line_number: '12315', skill: 'consumer' });
    const events = await timeline(record.id);
    expect(events.find((event) => event.type === 'call.line')?.payload).toMatchObject({ line: '12315', skill: 'consumer' });
    expect(ivrPath(events)).toContain('main-menu key 0');
    expect(events.find((event) => event.type === 'call.queued')?.payload).toMatchObject({ skill: 'consumer' });
  });

  it('registered elderly callers skip the menu and go to the front of the queue (适老化)', async () => {
    await h.api.http().put('/api/caller-lists/elderly/13900000003').set(admin).send({ note: '独居老人' }).expect(204);
    await call({ service: '12345', caller: '13900000003', postMs: 9_000 });
    const record = await settled('13900000003');
    const events = await timeline(record.id);
    expect(ivrPath(events)).toEqual(['blocked-check else', 'elderly-check then', 'elderly-tag caller=elderly', 'elderly-queue general']);
    expect(events.find((event) => event.type === 'call.queued')?.payload).toMatchObject({ priority: 50, priorityReasons: ['elderly+50'] });
    expect(record.tags).toEqual({ caller: 'elderly' });
  });

  describe('a flow published through the api on a line added through the api', () => {
    const menuFlow = (option: string) => ({
      start: 'menu',
      nodes: {
        menu: { type: 'menu', prompt: { tts: '请按键' }, options: { [option]: 'queue' }, timeoutMs: 1_500, maxAttempts: 2, invalidPrompt: { tts: '输入有误' }, onFailure: 'bye' },
        queue: { type: 'queue', skill: 'environment' },
        bye: { type: 'hangup', prompt: { sound: 'goodbye' } },
      },
    });

    beforeAll(async () => {
      const saved = await h.api.http().post('/api/ivr/flows/test-menu/versions').set(admin).send({ document: menuFlow('3') }).expect(201);
      expect(saved.body).toEqual({ version: 1, warnings: [] });
      expect((await h.api.http().post('/api/ivr/flows/test-menu/versions/1/publish').set(admin).expect(200)).body).toMatchObject({ published: true, liveReload: 'applied' });
      // A line that did not exist: Asterisk admits it as soon as the api saves it (AstDB), no reload or restart.
      const line = await h.api.http().put('/api/lines/12399').set(admin).send({ name: '测试热线', skill: 'environment', flowName: 'test-menu', mode: 'integrated' }).expect(200);
      expect(line.body).toMatchObject({ number: '12399', liveReload: 'applied' });
    });

    it('an invalid key gets the retry prompt, then a valid key routes', async () => {
      const { result } = await call({ service: '12399', caller: '13900000004', digits: '13', spacingMs: 3_500, postMs: 4_000 });
      expect(result.counters.successfulCalls).toBe(1);
      const events = await timeline((await settled('13900000004')).id);
      expect(ivrPath(events)).toEqual(['(retry) invalid 1', 'menu key 3', 'queue environment']);
      expect(events.filter((event) => event.type === 'call.dtmf').map((event) => event.payload.digit)).toEqual(['1', '3']);
    });

    it('silence is retried up to maxAttempts, then the failure branch runs (here: goodbye and hang up)', async () => {
      const { result } = await call({ service: '12399', caller: '13900000005', postMs: 20_000 });
      expect(result.logLines).toContain('hangup=remote');
      const events = await timeline((await settled('13900000005')).id);
      expect(ivrPath(events)).toEqual(['(retry) timeout', 'menu timeout', 'bye hangup']);
    });

    it('publishing a new version changes the next call at once, and rollback restores the old one', async () => {
      await h.api.http().post('/api/ivr/flows/test-menu/versions').set(admin).send({ document: menuFlow('4') }).expect(201);
      await h.api.http().post('/api/ivr/flows/test-menu/versions/2/publish').set(admin).expect(200);
      await call({ service: '12399', caller: '13900000006', digits: '4', postMs: 4_000 });
      const v2 = (await timeline((await settled('13900000006')).id)).filter((event) => event.type === 'call.ivr');
      expect(v2[0]?.payload).toMatchObject({ flowVersion: 2, outcome: 'key 4' });

      const rolledBack = await h.api.http().post('/api/ivr/flows/test-menu/rollback').set(admin).send({}).expect(200);
      expect(rolledBack.body).toMatchObject({ version: 1, liveReload: 'applied' });
      await call({ service: '12399', caller: '13900000007', digits: '4', spacingMs: 500, postMs: 8_000 });
      const v1 = (await timeline((await settled('13900000007')).id)).filter((event) => event.type === 'call.ivr');
      expect(v1[0]?.payload).toMatchObject({ flowVersion: 1, outcome: 'invalid 4' });
    });

    it('a deactivated line is refused before answer again (404)', async () => {
      await h.api.http().put('/api/lines/12399').set(admin).send({ name: '测试热线', skill: 'environment', flowName: 'test-menu', mode: 'integrated', active: false }).expect(200);
      const [sipPort] = (await findFreePorts(1)) as [number];
      const result = await runSipp({
        scenarioFile: SIPP_SCENARIOS.unknownNumber,
        service: '12399',
        remoteHost: '127.0.0.1',
        remotePort: h.asterisk.sipPort,
        localPort: sipPort,
        keys: { caller: '13900000008' },
        timeoutMs: 15_000,
      });
      expect(result.logLines).toContain('final-response=404');
    });
  });

  it('collects an order number and speaks its progress (TTS made once with espeak-ng and cached)', async () => {
    // A work order as the work-order context stores it (issue 4), for this caller.
    const [{ id: userId }] = (await h.db.query(`SELECT id FROM users WHERE username = 'agent'`)).rows;
    const [{ id: categoryId }] = (await h.db.query(`SELECT id FROM categories WHERE code = 'market.consumer'`)).rows;
    await h.db.query(
      `INSERT INTO work_orders (number, status, preset_code, preset_version, channel, type, caller_kind, category_id, subject, content, caller_phone,
         contact_preference, confidential, intake_by, received_at, search_tokens)
       VALUES ('2026112300007', 'handling', 'ningxia-2025', 1, 'phone', 'complaint', 'citizen', $1, '噪音', '夜间施工噪音', '13900000009', 'phone', false, $2, now(), to_tsvector('simple', 'x'))`,
      [categoryId, userId],
    );
    const { rtp } = await call({ service: '12345', caller: '13900000009', digits: '12026112300007#', spacingMs: 450, postMs: 28_000 });
    const events = await timeline((await settled('13900000009')).id);
    expect(ivrPath(events)).toEqual([
      'blocked-check else',
      'elderly-check else',
      'main-menu key 1',
      'progress-number 13 digits',
      'progress found',
      'progress-after no-input',
      'goodbye hangup',
    ]);
    // The status sentence was synthesised into the sounds Asterisk plays (cached by the hash of its text).
    const spoken = path.join(h.asterisk.soundsDir, 'tts', `${TtsPromptService.hashOf('您的工单二零二六一一二三零零零零七，当前状态：办理中。')}.wav`);
    expect((await fs.stat(spoken)).size).toBeGreaterThan(20_000);
    expect(rtp.pcmaVoicedPackets).toBeGreaterThan(200);
  });

  it('refuses an unknown order number politely and offers an agent', async () => {
    await call({ service: '12345', caller: '13900000010', digits: '19999999999999#', spacingMs: 450, postMs: 9_000 });
    const events = await timeline((await settled('13900000010')).id);
    expect(ivrPath(events)).toEqual(expect.arrayContaining(['progress not-found', 'progress-not-found finished', 'to-agent general']));
  });

  it('records a message the caller leaves (ARI channel recording into the store) and files it as a draft order', async () => {
    const two = await dtmfPcapXml('2');
    const hash = await dtmfPcapXml('#');
    const speech = '  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>\n  <pause milliseconds="6800"/>';
    const [sipPort, rtpPort] = (await findFreePorts(2)) as [number, number];
    const result = await runSipp({
      scenarioFile: SIPP_SCENARIOS.citizenDtmf,
      // Key 2 in the menu, the intro and the beep (~5 s), ~6.4 s of speech, # to finish.
      variables: { PRE_DTMF_MS: 1_500, DTMF_SEQUENCE: `${two.xml}\n  <pause milliseconds="5500"/>\n${speech}\n${hash.xml}`, POST_DTMF_MS: 12_000 },
      service: '12345',
      remoteHost: '127.0.0.1',
      remotePort: h.asterisk.sipPort,
      localPort: sipPort,
      keys: { caller: '13900000011', rtp_port: rtpPort },
      timeoutMs: 90_000,
    });
    expect(result.logLines).toContain('hangup=remote');
    const record = await settled('13900000011');
    const events = await timeline(record.id);
    expect(ivrPath(events)).toEqual(['blocked-check else', 'elderly-check else', 'main-menu key 2', 'message recorded', 'message-saved hangup']);
    const left = events.find((event) => event.type === 'call.message-left')!;
    const [message] = (await h.db.query(`SELECT * FROM recordings WHERE id = $1`, [left.payload.recordingId])).rows;
    expect(message).toMatchObject({ kind: 'message', status: 'finalised', call_id: record.id });
    expect(message.file_path).toMatch(/^messages\/\d{8}\//);
    // About the length of the speech, and in the store outside the chroot.
    expect(message.duration_ms).toBeGreaterThan(4_000);
    expect(message.duration_ms).toBeLessThan(9_000);
    await fs.access(path.join(h.recordingsDir, message.file_path));
    const [draft] = (await h.db.query(`SELECT * FROM call_order_drafts WHERE call_id = $1`, [record.id])).rows;
    expect(draft).toMatchObject({ kind: 'voice_message', recording_id: message.id, caller_number: '13900000011', line_tag: '12345', status: 'open' });
  });

  it('transfers to an allow-listed external number and bridges the caller with it; other numbers are refused at publish', async () => {
    const refused = await h.api.http().post('/api/ivr/flows/test-transfer/versions').set(admin).send({ document: { start: 't', nodes: { t: { type: 'transfer', number: '95598' } } } }).expect(201);
    const publish = await h.api.http().post(`/api/ivr/flows/test-transfer/versions/${refused.body.version}/publish`).set(admin).expect(400);
    expect(publish.body).toMatchObject({ code: 'IVR_TRANSFER_NOT_ALLOWED', issues: [{ field: 'nodes.t.number' }] });

    const saved = await h.api.http().post('/api/ivr/flows/test-transfer/versions').set(admin).send({ document: { start: 't', nodes: { t: { type: 'transfer', number: '120', prompt: { sound: 'transfer-connecting' } } } } }).expect(201);
    await h.api.http().post(`/api/ivr/flows/test-transfer/versions/${saved.body.version}/publish`).set(admin).expect(200);
    await h.api.http().put('/api/lines/12398').set(admin).send({ name: '转接测试', skill: 'health', flowName: 'test-transfer', mode: 'integrated' }).expect(200);
    const { result, rtp } = await call({ service: '12398', caller: '13900000012', postMs: 20_000 });
    // The far end talked for 3 s and hung up; that ended the caller's call too.
    expect(result.logLines).toContain('hangup=remote');
    expect(rtp.pcmaVoicedPackets).toBeGreaterThan(100);
    const events = await timeline((await settled('13900000012')).id);
    expect(ivrPath(events)).toEqual(['t 120']);
    expect(events.find((event) => event.type === 'call.transferred')?.payload).toMatchObject({ number: '120' });
  });
});
