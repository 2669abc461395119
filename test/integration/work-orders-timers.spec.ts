import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { CallerKind, RequestType } from '@hotline/sla';
import { Actor } from '@hotline/org';
import {
  Channel,
  ContactPreference,
  TimerKind,
  TimerScheduler,
  TransactionRunner,
  WorkOrder,
  WorkOrderLifecycleService,
  WorkOrdersModule,
  WorkOrderTimerHandler,
} from '@hotline/work-orders';
import { categoryId, createWorkOrdersHarness, loadOrgFixture, OrgFixture, WorkOrdersHarness } from '../support/work-orders-harness';

const root = path.resolve(__dirname, '..', '..');
const HELD_JOB_EXPIRE_SECONDS = 5;

/** Starts the timer worker as a real separate process; resolves once it works on the queue. */
function startWorker(databaseUrl: string, redisPrefix: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', path.join(root, 'test/support/swc-register.js'), path.join(root, 'test/support/work-orders-timer-worker.ts'), databaseUrl, redisPrefix],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`worker did not start: ${errors}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) {
        clearTimeout(timeout);
        resolve(child);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timeout);
      reject(new Error(`worker exited with ${code}: ${errors}`));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('condition not met in time');
}

describe('durable timers (pg-boss on the real Postgres)', () => {
  let harness: WorkOrdersHarness;
  let lifecycle: WorkOrderLifecycleService;
  let handler: WorkOrderTimerHandler;
  let org: OrgFixture;
  let consumer: string;
  let counter = 0;
  const u = (name: string): Actor => org.users[name];

  beforeAll(async () => {
    harness = await createWorkOrdersHarness({
      label: 'wo_timers',
      modules: [WorkOrdersModule],
      now: '2026-09-30T10:00:00+08:00',
      // The first process to start pg-boss creates the queue, and the queue's expiry is what its jobs get
      // (createQueue does nothing for a queue that exists): a short one, so jobs held by a killed worker come back.
      config: { TIMER_JOB_EXPIRE_SECONDS: String(HELD_JOB_EXPIRE_SECONDS) },
    });
    lifecycle = harness.app.get(WorkOrderLifecycleService);
    handler = harness.app.get(WorkOrderTimerHandler);
    org = await loadOrgFixture(harness.dataSource);
    consumer = await categoryId(harness.dataSource, 'market.consumer');
  }, 30_000);

  afterAll(async () => harness?.close());

  const dispatchedOrder = async (): Promise<WorkOrder> => {
    counter += 1;
    const { order } = await lifecycle.intake(u('agent'), {
      channel: Channel.Phone,
      type: RequestType.Complaint,
      callerKind: CallerKind.Citizen,
      categoryId: consumer,
      subject: `噪音扰民 ${counter}`,
      content: `第 ${counter} 号测试诉求: 工地夜间施工`,
      caller: { phone: `1360000${String(counter).padStart(4, '0')}`, contactPreference: ContactPreference.Phone },
      confidential: false,
      disposition: { kind: 'dispatch' },
    });
    return (await lifecycle.dispatch(u('agent'), order.id, order.version, { leadUnitId: org.units['city.market'] })).order;
  };

  const jobs = async (orderId: string) =>
    (await harness.dataSource.query(`SELECT data->>'kind' AS kind, start_after FROM pgboss.job WHERE data->>'orderId' = $1 ORDER BY start_after`, [orderId])) as {
      kind: string;
      start_after: Date;
    }[];

  it('enqueues the deadline timers in the same transaction as the change', async () => {
    const order = await dispatchedOrder();
    const kinds = (await jobs(order.id)).map((job) => job.kind);
    expect(kinds.sort()).toEqual(['dispatch_overdue', 'handle_overdue', 'handle_reminder', 'sign_overdue', 'sign_reminder'].sort());
    const overdue = (await jobs(order.id)).find((job) => job.kind === 'handle_overdue')!;
    expect(overdue.start_after.toISOString()).toBe(order.handleDueAt!.toISOString());
  });

  it('leaves no timer behind when the transaction rolls back, and schedules the same timer only once', async () => {
    const order = await dispatchedOrder();
    const scheduler = harness.app.get(TimerScheduler);
    const transactions = harness.app.get(TransactionRunner);
    const timer = { orderId: order.id, kind: TimerKind.SupervisionRecheck, fireAt: new Date('2026-12-01T00:00:00Z'), dueAt: order.handleDueAt!, level: 2 };
    await expect(
      transactions.run(async (tx) => {
        await scheduler.schedule(tx, [timer]);
        throw new Error('command failed after scheduling');
      }),
    ).rejects.toThrow('command failed');
    expect((await jobs(order.id)).filter((job) => job.kind === 'supervision_recheck')).toHaveLength(0);
    await transactions.run((tx) => scheduler.schedule(tx, [timer]));
    await transactions.run((tx) => scheduler.schedule(tx, [timer]));
    expect((await jobs(order.id)).filter((job) => job.kind === 'supervision_recheck')).toHaveLength(1);
  });

  it('supervises an overdue order once, escalates if still overdue, and ignores timers whose deadline moved', async () => {
    const order = await dispatchedOrder();
    const job = { orderId: order.id, kind: TimerKind.HandleOverdue, dueAt: order.handleDueAt!.toISOString() };
    harness.clock.set(order.handleDueAt!);
    expect(await handler.handle(job)).toBe('acted');
    expect(await handler.handle(job)).toBe('already_done'); // a redelivered job changes nothing
    expect(await handler.handle({ ...job, kind: TimerKind.SupervisionRecheck, level: 2 })).toBe('acted');
    expect(await handler.handle({ ...job, kind: TimerKind.SupervisionRecheck, level: 3 })).toBe('acted');
    const supervisions: { kind: string; level: number }[] = await harness.dataSource.query(
      `SELECT kind, level FROM work_order_supervisions WHERE order_id = $1 ORDER BY level`,
      [order.id],
    );
    expect(supervisions).toEqual([
      { kind: 'handle_overdue', level: 1 },
      { kind: 'handle_overdue', level: 2 },
      { kind: 'handle_overdue', level: 3 },
    ]);
    const notifications: { kind: string; unit_id: string | null }[] = await harness.dataSource.query(
      `SELECT kind, unit_id FROM work_order_notifications WHERE order_id = $1 ORDER BY id`,
      [order.id],
    );
    expect(notifications).toEqual([
      { kind: 'supervision', unit_id: org.units['city.market'] },
      { kind: 'escalation', unit_id: null },
      { kind: 'escalation', unit_id: null },
    ]);
    // Level 1 and 2 scheduled the next re-check.
    expect((await jobs(order.id)).filter((j) => j.kind === 'supervision_recheck')).toHaveLength(2);

    // Signed before the sign timer fired: the timer is stale.
    harness.clock.set('2026-09-30T10:00:00+08:00');
    const other = await dispatchedOrder();
    await lifecycle.sign(u('market.handler'), other.id, other.version);
    expect(await handler.handle({ orderId: other.id, kind: TimerKind.SignOverdue, dueAt: other.signDueAt!.toISOString() })).toBe('stale');
  });

  it('loses no timer and fires none twice when the worker process is killed and restarted', async () => {
    // Orders taken in ten days ago: their reminders and overdue timers are all due now.
    harness.clock.set(new Date(Date.now() - 10 * 24 * 3600_000));
    const orders: WorkOrder[] = [];
    for (let i = 0; i < 30; i += 1) orders.push(await dispatchedOrder());
    const ids = orders.map((order) => order.id);
    const supervised = async () =>
      (await harness.dataSource.query(
        `SELECT order_id, count(*)::int AS n FROM work_order_supervisions WHERE order_id = ANY($1::uuid[]) AND kind = 'handle_overdue' AND level = 1 GROUP BY order_id`,
        [ids],
      )) as { order_id: string; n: number }[];
    // The five deadline timers each order was given (re-checks that supervisions schedule come on top).
    const jobStates = async () =>
      Object.fromEntries(
        ((await harness.dataSource.query(`SELECT state, count(*)::int AS n FROM pgboss.job WHERE data->>'orderId' = ANY($1) AND data->>'kind' <> 'supervision_recheck' GROUP BY state`, [ids])) as { state: string; n: number }[]).map(
          (row) => [row.state, row.n],
        ),
      ) as Record<string, number>;
    expect(await harness.dataSource.query(`SELECT DISTINCT extract(epoch FROM expire_in)::int AS seconds FROM pgboss.job WHERE data->>'orderId' = ANY($1)`, [ids])).toEqual([
      { seconds: HELD_JOB_EXPIRE_SECONDS },
    ]);

    // A deterministic kill point instead of a race: this test holds the row lock of order 15 (the timer handler
    // locks the order first), so the worker waits inside a batch, holding jobs it has not acknowledged. Each
    // order has five timers and batches are fetched oldest first, but run in no set order within a batch; with
    // the worker's batches of 50, orders 1-10 make the first batch (done and acknowledged) and order 15 is in the
    // second, so the worker stops there with orders 21-30 not fetched yet.
    const locked = ids[14]!;
    const blocker = harness.dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    let first: ChildProcess | undefined;
    let supervisedBeforeKill = -1;
    try {
      await blocker.query(`SELECT id FROM work_orders WHERE id = $1 FOR UPDATE`, [locked]);
      const [{ pid }] = (await blocker.query(`SELECT pg_backend_pid() AS pid`)) as { pid: number }[];
      first = await startWorker(harness.config.DATABASE_URL, harness.config.REDIS_PREFIX);
      // pg_stat_activity is read once per transaction and kept (and the blocker stays in its transaction):
      // without clearing that snapshot, a first look taken before the worker blocked would be all it ever sees.
      const waiting = async () => {
        await blocker.query(`SELECT pg_stat_clear_snapshot()`);
        return ((await blocker.query(`SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, [pid])) as unknown[]).length > 0;
      };
      await waitFor(waiting, 30_000);

      // The real partial state: timers done and acknowledged, a batch taken and not acknowledged, the rest waiting.
      const held = await jobStates();
      expect(held).toEqual({ completed: expect.any(Number), active: expect.any(Number), created: expect.any(Number) });
      expect(held.completed).toBeGreaterThan(0);
      expect(held.active).toBeGreaterThan(0);
      expect(held.created).toBeGreaterThan(0);
      expect(held.completed + held.active + held.created).toBe(ids.length * 5);
      const done = (await supervised()).map((row) => row.order_id);
      // Every handling-overdue timer acknowledged as completed had its effect (a batch is acknowledged only
      // after its jobs ran; which orders' timers shared the first batch is pg-boss's business, not asserted).
      const completedHandleOverdue = (
        (await harness.dataSource.query(
          `SELECT data->>'orderId' AS id FROM pgboss.job WHERE data->>'orderId' = ANY($1) AND data->>'kind' = $2 AND state = 'completed'`,
          [ids, TimerKind.HandleOverdue],
        )) as { id: string }[]
      ).map((row) => row.id);
      expect(done).toEqual(expect.arrayContaining(completedHandleOverdue));
      expect(done.length).toBeLessThan(ids.length);
      expect(done).not.toContain(locked);
      supervisedBeforeKill = done.length;
    } finally {
      // Killed without warning (no graceful stop, no acknowledgements); its waiting transaction can only roll back.
      if (first) {
        const exited = new Promise((resolve) => first!.once('exit', resolve));
        first.kill('SIGKILL');
        await exited;
      }
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    // The killed worker's waiting timer never had its effect.
    expect((await supervised()).length).toBe(supervisedBeforeKill);

    const second = await startWorker(harness.config.DATABASE_URL, harness.config.REDIS_PREFIX);
    try {
      // Jobs the killed worker held come back when they expire (HELD_JOB_EXPIRE_SECONDS after it took them,
      // found by the worker's maintenance every second); the done ones among them find their work done.
      await waitFor(async () => (await supervised()).length === orders.length, 60_000);
      // A little longer, so a duplicate (if any were to happen) would show.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const rows = await supervised();
      expect(rows).toHaveLength(orders.length);
      expect(rows.every((row) => row.n === 1)).toBe(true);
      // Every timer had its effect exactly once: per order, one sign and one handling supervision, their two
      // events, and four notifications (two reminders, two supervisions).
      const effects: { supervisions: number; events: number; notifications: number }[] = await harness.dataSource.query(
        `SELECT (SELECT count(*)::int FROM work_order_supervisions s WHERE s.order_id = o.id) AS supervisions,
                (SELECT count(*)::int FROM work_order_events e WHERE e.order_id = o.id AND e.type = 'supervised') AS events,
                (SELECT count(*)::int FROM work_order_notifications n WHERE n.order_id = o.id) AS notifications
         FROM unnest($1::uuid[]) AS o(id)`,
        [ids],
      );
      expect(effects).toEqual(ids.map(() => ({ supervisions: 2, events: 2, notifications: 4 })));
      const kinds: { kind: string; n: number }[] = await harness.dataSource.query(
        `SELECT kind, count(*)::int AS n FROM work_order_supervisions WHERE order_id = ANY($1::uuid[]) GROUP BY kind ORDER BY kind`,
        [ids],
      );
      expect(kinds).toEqual([
        { kind: 'handle_overdue', n: orders.length },
        { kind: 'sign_overdue', n: orders.length },
      ]);
    } finally {
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
    }
  }, 180_000);
});
