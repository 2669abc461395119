import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { SURVEY_POLICY_DATA, SURVEY_WORKER_OPTIONS, surveyJobId, SurveysModule } from '@hotline/surveys';
import { SmscTestServer } from '../support/smsc-test-server';
import { closedOrder, SMSC_CREDENTIALS, surveyTestConfig, TEST_SURVEY_POLICIES } from '../support/surveys-fixture';
import { categoryId, createWorkOrdersHarness, loadOrgFixture } from '../support/work-orders-harness';
import { WorkOrderLifecycleService } from '@hotline/work-orders';
import { waitFor } from '../support/wait-for';

const root = path.resolve(__dirname, '..', '..');
const NOW = '2026-09-30T10:00:00+08:00';
const CAMPAIGN = 10;

/** The survey worker as a real separate process; resolves once it works on the queue. */
function startWorker(databaseUrl: string, redisPrefix: string, smscUrl: string, output: string[]): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', path.join(root, 'test/support/swc-register.js'), path.join(root, 'test/support/surveys-worker.ts'), databaseUrl, redisPrefix, smscUrl, NOW],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`worker did not start: ${output.join('')}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (chunk.toString().includes('READY')) {
        clearTimeout(timeout);
        resolve(child);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timeout);
      reject(new Error(`worker exited with ${code ?? signal}: ${output.join('')}`));
    });
  });
}


describe('survey worker killed mid-campaign (real worker process, pg-boss, SMPP server)', () => {
  let smsc: SmscTestServer;
  let harness: Awaited<ReturnType<typeof createWorkOrdersHarness>>;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    smsc = new SmscTestServer(SMSC_CREDENTIALS);
    await smsc.start();
    harness = await createWorkOrdersHarness({
      label: 'surveys_restart',
      modules: [SurveysModule],
      now: NOW,
      // The queue is created here first: a job active in a killed worker is given up on after 2 s.
      config: { ...surveyTestConfig(smsc.url), TIMER_JOB_EXPIRE_SECONDS: '2' },
      providers: [
        [SURVEY_WORKER_OPTIONS, { enabled: false, pollingIntervalSeconds: 1 }],
        [SURVEY_POLICY_DATA, TEST_SURVEY_POLICIES],
      ],
    });
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await harness?.close();
    await smsc?.stop();
  });

  it('loses no survey and sends none twice when the worker is killed and restarted', async () => {
    const lifecycle = harness.app.get(WorkOrderLifecycleService);
    const org = await loadOrgFixture(harness.dataSource);
    const consumer = await categoryId(harness.dataSource, 'market.consumer');
    const phones = Array.from({ length: CAMPAIGN }, (_, index) => `1370000${String(index + 1).padStart(4, '0')}`);
    for (const [index, phone] of phones.entries()) {
      await closedOrder(lifecycle, org.users, { categoryId: consumer, unitId: org.units['city.market'], phone, subject: `重启测试诉求 ${index + 1}` });
    }
    const queued = await harness.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'survey-attempts' AND state = 'created'`);
    expect(queued).toEqual([{ n: CAMPAIGN }]);
    // Every survey's first attempt is due (the fixed clock is behind the database's); each SMS takes a while.
    smsc.submitDelayMs = 250;
    const url = harness.database.url;
    const prefix = harness.config.REDIS_PREFIX;
    const output: string[] = [];

    workers.push(await startWorker(url, prefix, smsc.url, output));
    await waitFor(async () => smsc.submits.length >= 5, 30_000).catch(async (error: Error) => {
      const jobs = await harness.dataSource.query(`SELECT name, state, start_after, retry_count, output FROM pgboss.job WHERE name = 'survey-attempts'`);
      const tries = await harness.dataSource.query(`SELECT status, skip_reason, phone, (SELECT count(*) FROM work_orders) AS n FROM surveys`);
      throw new Error(`${error.message}; worker said:\n${output.join('')}\n${JSON.stringify(jobs)}\n${JSON.stringify(tries)}\n${smsc.submits.length}`);
    });
    workers[0].kill('SIGKILL');
    await new Promise((resolve) => workers[0].once('exit', resolve));
    const beforeRestart = smsc.submits.length;
    expect(beforeRestart).toBeLessThan(CAMPAIGN * 2); // killed mid-campaign, not after it

    workers.push(await startWorker(url, prefix, smsc.url, output));
    const attempts = () =>
      harness.dataSource.query(
        `SELECT s.id, s.phone, a.status FROM surveys s LEFT JOIN survey_attempts a ON a.survey_id = s.id AND a.attempt_no = 1 ORDER BY s.phone`,
      ) as Promise<{ id: string; phone: string; status: string | null }[]>;
    await waitFor(async () => (await attempts()).every((row) => row.status === 'sent' || row.status === 'unknown'), 60_000).catch(async (error: Error) => {
      const jobs = await harness.dataSource.query(`SELECT state, start_after, retry_count FROM pgboss.job WHERE name = 'survey-attempts' AND state <> 'completed'`);
      throw new Error(`${error.message}\n${JSON.stringify(await attempts())}\n${JSON.stringify(jobs)}\n${output.join('')}`);
    });
    expect(smsc.submits.length).toBeGreaterThan(beforeRestart); // the restarted worker carried on

    const rows = await attempts();
    expect(rows.map((row) => row.phone)).toEqual(phones); // every closed order has its survey
    for (const row of rows) {
      const messages = smsc.messagesTo(row.phone);
      // Never twice: a send the killed worker may have completed is not repeated.
      expect(messages.length).toBeLessThanOrEqual(1);
      if (row.status === 'sent') {
        expect(messages).toHaveLength(1);
      } else {
        // Interrupted mid-send: not lost either, the next attempt is already scheduled.
        const next = await harness.dataSource.query(`SELECT 1 FROM pgboss.job WHERE id = $1`, [surveyJobId({ surveyId: row.id, attemptNo: 2 })]);
        expect(next).toHaveLength(1);
      }
    }
    // Each SMS part reached the SMSC at most once.
    const parts = smsc.submits.map((submit) => `${submit.destination}:${submit.udh ? [...submit.udh].join('.') : 'single'}`);
    expect(new Set(parts).size).toBe(parts.length);
  }, 120_000);
});
