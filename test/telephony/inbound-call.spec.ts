/**
 * A real call end to end: SIPp dials 12345 on a real Asterisk (provisioned by the same code as npm start),
 * call-control answers over ARI, plays the Mandarin welcome, says back RFC 2833 digits, and records the call
 * and its events in Postgres and on Redis.
 */
import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import Redis from 'ioredis';
import { Client } from 'pg';
import { appConfigSchema, loadConfig } from '@hotline/config';
import { findFreePorts, telephonyEnvironment, type AsteriskInstance } from '@hotline/provisioning';
import { HotlineEvent, hotlineEventChannel, parseHotlineEvent } from '@hotline/realtime';
import { AMI_GATEWAY, AmiManagerAdapter, ARI_GATEWAY, AriClientAdapter } from '@hotline/telephony';
import { createCallControlApp } from '../../apps/call-control/src/call-control.app';
import { startTestAsterisk } from '../support/asterisk-test-instance';
import { RtpListener } from '../support/sipp/rtp-listener';
import { dtmfSequenceXml, runSipp, SIPP_SCENARIOS } from '../support/sipp/sipp.runner';
import { TestDatabase } from '../support/test-database';
import { testEnvironment } from '../support/test-environment';
import { waitFor } from '../support/wait-for';

jest.setTimeout(10 * 60_000);


describe('inbound call through call-control (real Asterisk, SIPp, Postgres, Redis)', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  let asterisk: AsteriskInstance;
  let database: TestDatabase;
  let callControl: INestApplicationContext;
  let db: Client;
  let subscriber: Redis;
  const published: HotlineEvent[] = [];

  beforeAll(async () => {
    asterisk = await startTestAsterisk('e2e-inbound', 'hotline', 30_000);
    database = await TestDatabase.create('inbound');
    subscriber = new Redis(testEnvironment.TEST_REDIS_URL);
    await subscriber.subscribe(hotlineEventChannel(prefix));
    subscriber.on('message', (_channel, message) => published.push(parseHotlineEvent(message)));
    const config = loadConfig(appConfigSchema, {
      DATABASE_URL: database.url,
      REDIS_URL: testEnvironment.TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      ...telephonyEnvironment(asterisk, 'hotline'),
      LOG_LEVEL: 'warn',
      RECORDINGS_DIR: asterisk.recordingsDir,
      IVR_SOUNDS_DIR: asterisk.soundsDir,
    });
    callControl = await createCallControlApp(config, { waitForAsterisk: true });
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await callControl?.close();
    await db?.end();
    subscriber?.disconnect();
    await database?.drop();
    await asterisk?.stop();
  });

  const placeCall = async (caller: string, digits: string) => {
    const [sipPort, rtpPort] = (await findFreePorts(2)) as [number, number];
    const listener = await RtpListener.start({ port: rtpPort });
    try {
      const result = await runSipp({
        scenarioFile: SIPP_SCENARIOS.citizenDtmf,
        variables: { PRE_DTMF_MS: 3_000, DTMF_SEQUENCE: dtmfSequenceXml(digits, 1_200), POST_DTMF_MS: 1_500 },
        service: '12345',
        remoteHost: '127.0.0.1',
        remotePort: asterisk.sipPort,
        localPort: sipPort,
        keys: { caller, rtp_port: rtpPort },
        timeoutMs: 60_000,
      });
      return { result, rtp: listener.stats() };
    } finally {
      await listener.close();
    }
  };

  it('answers, plays the IVR menu, stores the digits in order and the hangup, and publishes every event', async () => {
    const { result, rtp } = await placeCall('13800138000', '147');
    expect(result.exitCode).toBe(0);
    expect(result.counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });

    // The welcome and the said-back digits reached the caller as real (non-silent) A-law audio.
    expect(rtp.payloadTypes[8] ?? 0).toBeGreaterThan(200);
    expect(rtp.pcmaVoicedPackets).toBeGreaterThan(100);

    await waitFor(async () => (await db.query(`SELECT 1 FROM calls WHERE status = 'ended'`)).rowCount === 1, 10_000, 'the call to end');
    const { rows: [call] } = await db.query(`SELECT * FROM calls`);
    expect(call).toMatchObject({ caller_number: '13800138000', dialed_number: '12345', direction: 'inbound', status: 'ended', hangup_cause: 16 });
    expect(call.answered_at.getTime()).toBeGreaterThanOrEqual(call.started_at.getTime());
    expect(call.ended_at.getTime()).toBeGreaterThan(call.answered_at.getTime());

    await waitFor(async () => (await db.query(`SELECT 1 FROM call_events WHERE call_id = $1 AND type = 'recording.finalised'`, [call.id])).rowCount === 1, 20_000, 'the recording to be finalised');
    const { rows: events } = await db.query(`SELECT sequence, type, payload FROM call_events WHERE call_id = $1 ORDER BY sequence`, [call.id]);
    const types = events.map((event) => event.type);
    // Start, answer and the line (DNIS) first; the IVR path and the keys in between; the end, then the recording.
    expect(types.slice(0, 3)).toEqual(['call.started', 'call.answered', 'call.line']);
    expect(types.slice(-2)).toEqual(['call.ended', 'recording.finalised']);
    expect(events.map((event) => event.sequence)).toEqual(events.map((_, index) => index + 1));
    expect(events.filter((event) => event.type === 'call.dtmf').map((event) => event.payload)).toEqual([
      { digit: '1', index: 1 },
      { digit: '4', index: 2 },
      { digit: '7', index: 3 },
    ]);
    // Key 1 in the default menu asks for an order number; 4 and 7 are its first digits.
    expect(events.filter((event) => event.type === 'call.ivr').map((event) => event.payload.nodeId)).toEqual(
      expect.arrayContaining(['blocked-check', 'elderly-check', 'main-menu']),
    );
    expect(events.find((event) => event.type === 'call.ended').payload).toMatchObject({ hangupCause: 16, hangupCauseText: 'Normal Clearing' });

    await waitFor(() => published.filter((event) => (event.payload as { callId?: string }).callId === call.id).length >= events.length, 5_000, 'every event on Redis');
    const forThisCall = published.filter((event) => (event.payload as { callId?: string }).callId === call.id);
    expect(forThisCall.map((event) => event.type)).toEqual(types);
    expect(forThisCall.filter((event) => event.type === 'call.dtmf').map((event) => (event.payload as { digit: string }).digit)).toEqual(['1', '4', '7']);
    expect(new Set(forThisCall.map((event) => event.id)).size).toBe(forThisCall.length);
  });

  it('reconnects ARI and AMI with backoff after Asterisk restarts, and takes calls again', async () => {
    const ari = callControl.get<AriClientAdapter>(ARI_GATEWAY);
    const ami = callControl.get<AmiManagerAdapter>(AMI_GATEWAY);
    expect(ari.isConnected() && ami.isConnected()).toBe(true);
    await asterisk.rx('core restart now');
    await waitFor(() => !ari.isConnected(), 10_000, 'ARI to notice the restart');
    await waitFor(() => ari.isConnected() && ami.isConnected(), 30_000, 'ARI and AMI to reconnect');

    const { result } = await placeCall('13700137000', '9');
    expect(result.exitCode).toBe(0);
    await waitFor(
      async () => (await db.query(`SELECT 1 FROM calls WHERE caller_number = '13700137000' AND status = 'ended'`)).rowCount === 1,
      10_000,
      'the call after the restart to be recorded',
    );
  });

  it('rejects a call to an unknown number cleanly: 404, nothing recorded, logged by Asterisk', async () => {
    const before = (await db.query(`SELECT count(*)::int AS n FROM calls`)).rows[0].n;
    const [sipPort] = (await findFreePorts(1)) as [number];
    const result = await runSipp({
      scenarioFile: SIPP_SCENARIOS.unknownNumber,
      service: '88888',
      remoteHost: '127.0.0.1',
      remotePort: asterisk.sipPort,
      localPort: sipPort,
      keys: { caller: '13900139000' },
      timeoutMs: 15_000,
    });
    expect(result.exitCode).toBe(0);
    expect(result.logLines).toContain('final-response=404');
    expect((await db.query(`SELECT count(*)::int AS n FROM calls`)).rows[0].n).toBe(before);
    expect(await asterisk.rx('core show channels count')).toMatch(/0 active channels/);
  });
});
