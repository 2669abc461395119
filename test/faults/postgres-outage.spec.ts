/**
 * Fault: Postgres is down for 60 s while citizens call. The test runs its OWN Postgres cluster on a free
 * port (the machine's shared server is never stopped); call-control (its own process) runs its migrations
 * there. During the outage calls must go on - answered, queued, put through to the agent, ended - and the
 * call timeline is buffered (the write-behind timeline writer keeps it in Redis), then written once
 * Postgres is back: every call and every event, none lost.
 */
import { Client } from 'pg';
import { findFreePorts } from '@hotline/provisioning';
import { SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { CallControlChild, startCallControlChild } from '../support/call-control-child';
import { activeChannels, callCrowd, loginReady, provisionQueue } from './fault-fixture';
import { OwnPostgres } from './own-postgres';

jest.setTimeout(6 * 60_000);

const OUTAGE_MS = 60_000;
const CALLERS = 6;
const PREFIX = '13860000';
const TIMELINE = ['call.started', 'call.line', 'call.queued', 'call.offered', 'call.connected', 'call.ended'];

describe('fault: Postgres down for 60 s → calls go on, timeline written afterwards (own Postgres, call-control process, SIPp)', () => {
  let pg: OwnPostgres;
  let h: CallControlHarness;
  let f: CallControlHarness;
  let db: Client;
  let phone: SippUas;
  let callControl: CallControlChild | null = null;

  const connect = async (): Promise<Client> => {
    const client = new Client({ connectionString: pg.url });
    // A client whose server goes away emits 'error'; the test closes it before stopping the server anyway.
    client.on('error', (error: Error) => process.stderr.write(`[fault-postgres] test client: ${error.message}\n`));
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    pg = await OwnPostgres.create('outage');
    const [phonePort] = (await findFreePorts(1)) as number[];
    phone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 2_500 }, localPort: phonePort!, timeoutMs: 360_000 });
    h = await startCallControlHarness('fault-pg', { rtpFrom: 49_000, rtpPorts: 60, startCallControl: false, config: { DATABASE_URL: pg.url } });
    callControl = await startCallControlChild(h.config, 'call-control');
    db = await connect();
    // The fixture reads and writes through `db`: here, the test's own cluster (the harness's is unused).
    f = Object.create(h, { db: { get: () => db } }) as CallControlHarness;
    await provisionQueue(f, { agents: [{ id: 'agent-1', seat: 'seat-1', contactUri: `sip:seat-1@127.0.0.1:${phonePort}` }] });
  });

  afterAll(async () => {
    await callControl?.stop();
    await db?.end().catch((error: Error) => process.stderr.write(`[fault-postgres] ${error.message}\n`));
    await h?.close();
    await phone?.stop();
    await pg?.destroy();
  });

  it('keeps taking calls while Postgres is down and writes every call and event when it is back', async () => {
    await loginReady(f, { id: 'agent-1', seat: 'seat-1' });
    await db.end();
    await pg.stop();
    const down = Date.now();

    // Six citizens call one after another during the outage; each is queued, answered by the agent, and ends.
    const calls = await callCrowd(f, { prefix: PREFIX, calls: CALLERS, rate: 1, listenMs: 45_000 });
    const callsMs = Date.now() - down;
    expect(calls.counters).toMatchObject({ successfulCalls: CALLERS, failedCalls: 0 });
    expect(calls.logLines.filter((line) => line === 'hangup=remote')).toHaveLength(CALLERS);
    expect(callsMs).toBeLessThan(OUTAGE_MS);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - down)));

    await pg.start();
    const back = Date.now();
    db = await connect();
    const written = async () =>
      (
        await db.query(
          `SELECT c.caller_number, c.status, c.hangup_cause, array_agg(e.type ORDER BY e.sequence) AS types
           FROM calls c LEFT JOIN call_events e ON e.call_id = c.id WHERE c.caller_number LIKE $1 GROUP BY c.id ORDER BY c.caller_number`,
          [`${PREFIX}%`],
        )
      ).rows;
    await waitFor(async () => {
      const rows = await written();
      return rows.length === CALLERS && rows.every((row) => row.status === 'ended' && TIMELINE.every((type) => row.types.includes(type)));
    }, 60_000, 'every call and its timeline to be written after Postgres is back').catch(async (error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(await written())}`);
    });
    const writtenMs = Date.now() - back;
    const rows = await written();
    expect(rows.map((row) => row.caller_number)).toEqual(Array.from({ length: CALLERS }, (_, i) => `${PREFIX}${i + 1}`));
    expect(rows.every((row) => row.hangup_cause === 16)).toBe(true);
    // No event twice (a flush retried after the outage must not duplicate).
    const duplicates = await db.query(`SELECT call_id, sequence, count(*) FROM call_events GROUP BY call_id, sequence HAVING count(*) > 1`);
    expect(duplicates.rows).toEqual([]);
    // The ACD's service-level rows, written by the ACD itself.
    const queued = await db.query(`SELECT outcome, count(*)::int AS n FROM acd_queue_calls GROUP BY outcome`);
    expect(queued.rows).toEqual([{ outcome: 'answered', n: CALLERS }]);
    expect(await activeChannels(h)).toBe(0);
    process.stderr.write(`[fault-postgres] ${CALLERS} calls done ${callsMs} ms into the outage; all written ${writtenMs} ms after Postgres came back\n`);
  });
});
