/**
 * Fault: the SMSC is down when satisfaction-survey SMS are due. The real survey worker (pg-boss jobs, SMPP
 * client with reconnect) keeps retrying; when the SMSC comes back every survey SMS is delivered, exactly
 * once. The SMSC is a real SMPP server on loopback (test/support/smsc-test-server.ts). Bounded: 20 s down.
 */
import { SURVEY_POLICY_DATA, SURVEY_WORKER_OPTIONS, SurveysModule } from '@hotline/surveys';
import { WorkOrderLifecycleService } from '@hotline/work-orders';
import { SmscTestServer } from '../support/smsc-test-server';
import { closedOrder, SMSC_CREDENTIALS, surveyTestConfig, TEST_SURVEY_POLICIES } from '../support/surveys-fixture';
import { categoryId, createWorkOrdersHarness, loadOrgFixture, WorkOrdersHarness } from '../support/work-orders-harness';
import { waitFor } from '../support/wait-for';

jest.setTimeout(6 * 60_000);

const SURVEYS = 5;
const DOWN_MS = 20_000;

describe('fault: SMSC down → survey SMS retried, delivered once it is back (real worker, pg-boss, SMPP server)', () => {
  let smsc: SmscTestServer;
  let harness: WorkOrdersHarness;

  beforeAll(async () => {
    smsc = new SmscTestServer(SMSC_CREDENTIALS);
    // Started once to own a port, then down for the first part of the test.
    await smsc.start();
    await smsc.stop();
    harness = await createWorkOrdersHarness({
      label: 'fault_smsc',
      modules: [SurveysModule],
      now: '2026-09-30T10:00:00+08:00',
      config: surveyTestConfig(smsc.url),
      providers: [
        // The real worker in this process: it polls the queue, sends over SMPP, retries on failure.
        [SURVEY_WORKER_OPTIONS, { enabled: true, pollingIntervalSeconds: 0.5 }],
        [SURVEY_POLICY_DATA, TEST_SURVEY_POLICIES],
      ],
    });
  });

  afterAll(async () => {
    await harness?.close();
    await smsc?.stop();
  });

  it('retries while the SMSC is down and delivers every SMS exactly once when it is back', async () => {
    const lifecycle = harness.app.get(WorkOrderLifecycleService);
    const org = await loadOrgFixture(harness.dataSource);
    const consumer = await categoryId(harness.dataSource, 'market.consumer');
    const phones = Array.from({ length: SURVEYS }, (_, index) => `1371000${String(index + 1).padStart(4, '0')}`);
    for (const [index, phone] of phones.entries()) {
      await closedOrder(lifecycle, org.users, { categoryId: consumer, unitId: org.units['city.market'], phone, subject: `短信中心故障 ${index + 1}` });
    }
    const attempts = () =>
      harness.dataSource.query(`SELECT s.phone, a.status FROM surveys s LEFT JOIN survey_attempts a ON a.survey_id = s.id AND a.attempt_no = 1 ORDER BY s.phone`) as Promise<
        Array<{ phone: string; status: string | null }>
      >;
    const down = Date.now();
    // Every first attempt fails and is retried (pg-boss, exponential backoff) while nothing is listening.
    await waitFor(async () => (await attempts()).every((row) => row.status === 'retrying'), 60_000, 'every attempt to be retrying').catch(async (error: Error) => {
      const jobs = await harness.dataSource.query(`SELECT state, retry_count, start_after FROM pgboss.job WHERE name = 'survey-attempts'`);
      throw new Error(`${error.message}: ${JSON.stringify(await attempts())} ${JSON.stringify(jobs)}`);
    });
    await waitFor(
      async () => (await harness.dataSource.query(`SELECT min(retry_count)::int AS n FROM pgboss.job WHERE name = 'survey-attempts' AND state <> 'completed'`))[0].n >= 1,
      40_000,
      'each job to be retried',
    );
    expect(smsc.submits).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, DOWN_MS - (Date.now() - down))));

    const back = Date.now();
    await smsc.start();
    // The next retry comes after the backoff reached while the SMSC was down (1, 2, 4, ... s, and the SMPP reconnect's own backoff): measured 39-76 s on the shared machine.
    await waitFor(async () => (await attempts()).every((row) => row.status === 'sent'), 180_000, 'every survey SMS to be sent after the SMSC is back');
    const deliveredMs = Date.now() - back;
    expect((await attempts()).map((row) => row.phone)).toEqual(phones);
    for (const phone of phones) expect(smsc.messagesTo(phone)).toHaveLength(1);
    // Exactly once per SMS part, even with the retries.
    const parts = smsc.submits.map((submit) => `${submit.destination}:${submit.udh ? [...submit.udh].join('.') : 'single'}`);
    expect(new Set(parts).size).toBe(parts.length);
    process.stderr.write(`[fault-smsc] SMSC down ${Math.round((back - down) / 1000)} s; all ${SURVEYS} SMS sent ${deliveredMs} ms after it came back\n`);
  });
});
