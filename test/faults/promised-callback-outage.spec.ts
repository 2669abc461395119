/**
 * Fault: a citizen gives up waiting while Postgres is down, so the automatic callback they are owed cannot be
 * written yet (its row references the call's, which waits for Postgres); then call-control is killed before
 * Postgres is back. The promise was kept in Redis, so the next process writes the callback once and queues it.
 * Own Postgres (stopped and started), call-control in its own process (SIGKILL), a SIPp citizen.
 */
import { Client } from 'pg';
import { findFreePorts } from '@hotline/provisioning';
import { SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { CallControlChild, startCallControlChild } from '../support/call-control-child';
import { agentCommand, callCrowd, provisionQueue } from './fault-fixture';
import { OwnPostgres } from './own-postgres';

jest.setTimeout(5 * 60_000);

const CALLER = '13861110001';

describe('fault: call-control killed during a Postgres outage with a callback promised → the next process queues it (own Postgres, SIPp)', () => {
  let pg: OwnPostgres;
  let h: CallControlHarness;
  let db: Client;
  let phone: SippUas;
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
    const [phonePort] = (await findFreePorts(1)) as number[];
    phone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 2_000 }, localPort: phonePort!, timeoutMs: 300_000 });
    h = await startCallControlHarness('fault-promise', { rtpFrom: 49_400, rtpPorts: 40, startCallControl: false, config: { DATABASE_URL: pg.url } });
    callControl = await startCallControlChild(h.config, 'call-control#1');
    db = await connect();
    const f = Object.create(h, { db: { get: () => db } }) as CallControlHarness;
    await provisionQueue(f, { agents: [{ id: 'agent-1', seat: 'seat-1', contactUri: `sip:seat-1@127.0.0.1:${phonePort}` }] });
    // Logged in, not ready: the citizen waits in the queue until they give up.
    await agentCommand(h, 'agent.login', { agentId: 'agent-1', seat: 'seat-1' });
  });

  afterAll(async () => {
    await callControl?.stop();
    await db?.end().catch((error: Error) => process.stderr.write(`[fault-promise] ${error.message}\n`));
    await h?.close();
    await phone?.stop();
    await pg?.destroy();
  });

  it('writes the callback once and queues it in the caller’s place, from the promise the killed process kept in Redis', async () => {
    await db.end();
    await pg.stop();

    // Waits 8 s (more than the 5 s that earn a callback) and hangs up.
    const citizen = await callCrowd(h, { prefix: CALLER.slice(0, -1), calls: 1, rate: 1, listenMs: 8_000 });
    expect(citizen.counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });
    await waitFor(async () => Object.keys(await journal()).length === 1, 10_000, 'the promised callback to be kept in Redis');
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
  });
});
