/**
 * Fault: Postgres is down for 60 s while citizens call. The test runs its OWN Postgres cluster on a free
 * port (the machine's shared server is never stopped); call-control (its own process) runs its migrations
 * there. During the outage calls must go on - answered, queued, put through to the agent, ended - and the
 * call timeline is buffered (the write-behind timeline writer keeps it in Redis), then written once
 * Postgres is back: every call and every event, none lost. A citizen on an integrated line whose IVR puts
 * them through to 110 is put through during the outage too (the allow-list as last read), and the
 * transfer's trail row is written once Postgres is back.
 */
import { waitFor } from '../support/call-control-harness';
import { activeChannels, callCrowd, loginReady } from './fault-fixture';
import { OutageScene, POLICE_LINE } from './outage-scene';

jest.setTimeout(6 * 60_000);

const OUTAGE_MS = 60_000;
const CALLERS = 6;
const PREFIX = '13860000';
const TIMELINE = ['call.started', 'call.line', 'call.queued', 'call.offered', 'call.connected', 'call.ended'];
const POLICE_CALLER = '13869990001';

describe('fault: Postgres down for 60 s → calls go on, timeline written afterwards (own Postgres, call-control process, SIPp)', () => {
  let scene: OutageScene;

  beforeAll(async () => {
    scene = await OutageScene.start('outage', { rtpFrom: 49_000, rtpPorts: 60, timeoutMs: 360_000 });
  });

  afterAll(() => scene?.stop());

  it('keeps taking calls while Postgres is down and writes every call and event when it is back', async () => {
    const { h, pg, f } = scene;
    await loginReady(f, { id: 'agent-1', seat: 'seat-1' });
    await scene.db.end();
    await pg.stop();
    const down = Date.now();

    // Six citizens call one after another during the outage; each is queued, answered by the agent, and ends.
    // Meanwhile a citizen on the integrated line is put through to 110; the dispatcher ends that call.
    const [calls, police] = await Promise.all([
      callCrowd(f, { prefix: PREFIX, calls: CALLERS, rate: 1, listenMs: 45_000 }),
      callCrowd(f, { prefix: POLICE_CALLER.slice(0, -1), calls: 1, rate: 1, listenMs: 30_000, line: POLICE_LINE }),
    ]);
    const callsMs = Date.now() - down;
    expect(calls.counters).toMatchObject({ successfulCalls: CALLERS, failedCalls: 0 });
    expect(calls.logLines.filter((line) => line === 'hangup=remote')).toHaveLength(CALLERS);
    expect(police.counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });
    expect(police.logLines).toContain('hangup=remote');
    expect(await scene.dispatcherAnswered()).toBe(1);
    expect(callsMs).toBeLessThan(OUTAGE_MS);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - down)));

    await pg.start();
    const back = Date.now();
    await scene.reconnect();
    const db = scene.db;
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
    // The transfer's trail, written late: the allow-list entry as last read, answered, completed.
    await waitFor(async () => (await db.query(`SELECT 1 FROM call_transfers t JOIN calls c ON c.id = t.call_id WHERE c.caller_number = $1 AND t.state = 'ended'`, [POLICE_CALLER])).rowCount === 1, 30_000, "the 110 transfer's trail to be written");
    const trail = await db.query(
      `SELECT t.destination_number, t.emergency, t.mode, t.outcome, t.answered_at IS NOT NULL AS answered, c.status
       FROM call_transfers t JOIN calls c ON c.id = t.call_id WHERE c.caller_number = $1`,
      [POLICE_CALLER],
    );
    expect(trail.rows).toEqual([{ destination_number: '110', emergency: true, mode: 'ivr', outcome: 'completed', answered: true, status: 'ended' }]);
    expect(await activeChannels(h)).toBe(0);
    process.stderr.write(`[fault-postgres] ${CALLERS} calls done ${callsMs} ms into the outage; all written ${writtenMs} ms after Postgres came back\n`);
  });
});
