/**
 * Fault: while Postgres is down, one citizen gives up waiting, so the automatic callback they are owed cannot
 * be written yet (its row references the call's, which waits for Postgres), and another is put through to 110
 * by the IVR, whose transfer trail waits likewise; then call-control is killed before Postgres is back. Both
 * were kept in Redis, so the next process writes the callback once and queues it, and writes the trail.
 * Own Postgres (stopped and started), call-control in its own process (SIGKILL), SIPp citizens and dispatcher.
 */
import { Client } from 'pg';
import { findFreePorts } from '@hotline/provisioning';
import { SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { CallControlChild, startCallControlChild } from '../support/call-control-child';
import { agentCommand, callCrowd, DIRECT_FLOW, provisionQueue } from './fault-fixture';
import { OwnPostgres } from './own-postgres';

jest.setTimeout(5 * 60_000);

const CALLER = '13861110001';
const POLICE_LINE = '12315';
const POLICE_CALLER = '13861120001';
const TO_POLICE_FLOW = { start: 't', nodes: { t: { type: 'transfer', number: '110' } } };

describe('fault: call-control killed during a Postgres outage with rows still to write → the next process writes them (own Postgres, SIPp)', () => {
  let pg: OwnPostgres;
  let h: CallControlHarness;
  let db: Client;
  let phone: SippUas;
  let dispatcher: SippUas;
  let callControl: CallControlChild | null = null;

  const connect = async (): Promise<Client> => {
    const client = new Client({ connectionString: pg.url });
    client.on('error', (error: Error) => process.stderr.write(`[fault-promise] test client: ${error.message}\n`));
    await client.connect();
    return client;
  };
  const journal = () => h.redis.hgetall(`${h.config.REDIS_PREFIX}:acd:promised-callbacks`);

  beforeAll(async () => {
    pg = await OwnPostgres.create('promise');
    const [phonePort, dispatcherPort] = (await findFreePorts(2)) as number[];
    phone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 2_000 }, localPort: phonePort!, timeoutMs: 300_000 });
    // The 110 dispatcher, reached through the carrier trunk: answers, talks 3 s, hangs up.
    dispatcher = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 500, TALK_MS: 3_000 }, localPort: dispatcherPort!, timeoutMs: 300_000 });
    h = await startCallControlHarness('fault-promise', {
      rtpFrom: 49_400,
      rtpPorts: 40,
      startCallControl: false,
      config: { DATABASE_URL: pg.url, OUTBOUND_ENDPOINT_TEMPLATE: `PJSIP/carrier/sip:{number}@127.0.0.1:${dispatcherPort}` },
    });
    callControl = await startCallControlChild(h.config, 'call-control#1');
    db = await connect();
    const f = Object.create(h, { db: { get: () => db } }) as CallControlHarness;
    await provisionQueue(f, { lines: { '12345': DIRECT_FLOW, [POLICE_LINE]: TO_POLICE_FLOW }, agents: [{ id: 'agent-1', seat: 'seat-1', contactUri: `sip:seat-1@127.0.0.1:${phonePort}` }] });
    // Logged in, not ready: the citizen waits in the queue until they give up.
    await agentCommand(h, 'agent.login', { agentId: 'agent-1', seat: 'seat-1' });
  });

  afterAll(async () => {
    await callControl?.stop();
    await db?.end().catch((error: Error) => process.stderr.write(`[fault-promise] ${error.message}\n`));
    await h?.close();
    await phone?.stop();
    await dispatcher?.stop();
    await pg?.destroy();
  });

  it('writes the callback once and queues it in the caller’s place, and writes the 110 transfer’s trail, from what the killed process kept in Redis', async () => {
    await db.end();
    await pg.stop();

    // One waits 8 s (more than the 5 s that earn a callback) and hangs up; the other is put through to 110.
    const [citizen, police] = await Promise.all([
      callCrowd(h, { prefix: CALLER.slice(0, -1), calls: 1, rate: 1, listenMs: 8_000 }),
      callCrowd(h, { prefix: POLICE_CALLER.slice(0, -1), calls: 1, rate: 1, listenMs: 30_000, line: POLICE_LINE }),
    ]);
    expect(citizen.counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });
    expect(police.logLines).toContain('hangup=remote');
    expect((await dispatcher.logLines()).filter((line) => line.startsWith('answered'))).toHaveLength(1);
    await waitFor(async () => Object.keys(await journal()).length === 1, 10_000, 'the promised callback to be kept in Redis');
    const trailKeys = await h.redis.keys(`${h.config.REDIS_PREFIX}:transfer-trail:*`);
    expect(trailKeys).toHaveLength(1);
    expect((await h.redis.lrange(trailKeys[0]!, 0, -1)).map((op) => JSON.parse(op).kind)).toEqual(['started', 'answered', 'ended']);
    const [[callbackId, promised]] = Object.entries(await journal()) as [[string, string]];
    expect(JSON.parse(promised)).toMatchObject({ number: CALLER, reason: 'abandoned', skill: 'general' });

    await callControl!.kill();
    callControl = null;
    await pg.start();
    db = await connect();
    callControl = await startCallControlChild(h.config, 'call-control#2');

    const callbacks = async () =>
      (
        await db.query(
          `SELECT b.id, b.number, b.reason, b.status, c.caller_number AS origin_caller FROM acd_callbacks b JOIN calls c ON c.id = b.origin_call_id`,
        )
      ).rows;
    await waitFor(async () => (await callbacks()).length > 0, 30_000, 'the callback row to be written by the new process');
    expect(await callbacks()).toEqual([{ id: callbackId, number: CALLER, reason: 'abandoned', status: 'queued', origin_caller: CALLER }]);
    await waitFor(async () => Object.keys(await journal()).length === 0, 10_000, 'the promise to leave the journal once queued');
    const entry = await h.redis.hgetall(`${h.config.REDIS_PREFIX}:{acd}:entry:cb-${callbackId}`);
    expect(entry).toMatchObject({ kind: 'callback', callbackId, callerNumber: CALLER, skill: 'general', state: 'waiting' });
    // The citizen's own call is written too, abandoned.
    const call = await db.query(`SELECT status FROM calls WHERE caller_number = $1`, [CALLER]);
    expect(call.rows).toEqual([{ status: 'ended' }]);

    // The transfer's trail, as the killed process recorded it: the allow-list entry, answered, completed.
    const trail = async () =>
      (
        await db.query(
          `SELECT t.destination_number, t.emergency, t.mode, t.outcome, t.answered_at IS NOT NULL AS answered FROM call_transfers t JOIN calls c ON c.id = t.call_id WHERE c.caller_number = $1`,
          [POLICE_CALLER],
        )
      ).rows;
    await waitFor(async () => (await trail()).length > 0, 30_000, "the 110 transfer's trail to be written by the new process");
    expect(await trail()).toEqual([{ destination_number: '110', emergency: true, mode: 'ivr', outcome: 'completed', answered: true }]);
    expect(await h.redis.keys(`${h.config.REDIS_PREFIX}:transfer-trail:*`)).toEqual([]);
  });
});
