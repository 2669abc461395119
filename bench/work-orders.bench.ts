/*
 * Work-order list and search at 1,000,000 orders: p95 of the api's own query code (WorkOrderQueryService)
 * on a real Postgres, without HTTP. Run:
 *
 *   node -r ./test/support/swc-register.js bench/work-orders.bench.ts [--rows 1000000] [--reuse] [--drop] [--json-out file]
 *
 * It creates (or with --reuse keeps) the database `hotline_bench_work_orders` on TEST_ADMIN_DATABASE_URL's
 * server, loads the rows in batches with the same search tokens the product writes, then times each query
 * shape 200 times and prints a table (and writes bench/results/work-orders-<date>.json). `--drop` drops the
 * database afterwards (`npm run bench` does, after a 10,000,000-row run); `--json-out` writes the results there too.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDataSource, runMigrations } from '@hotline/database';
import { seedDemoData } from '@hotline/auth';
import { Actor, Role } from '@hotline/org';
import { FixedClock } from '@hotline/sla';
import { DuplicateDetector, PgTransactionRunner, toSearchVector, WorkOrderListQuery, WorkOrderQueryService, WorkOrderRepository } from '@hotline/work-orders';

const args = process.argv.slice(2);
const ROWS = Number(args[args.indexOf('--rows') + 1] ?? 0) || 1_000_000;
const REUSE = args.includes('--reuse');
const DROP = args.includes('--drop');
const JSON_OUT = args.includes('--json-out') ? args[args.indexOf('--json-out') + 1] : undefined;
const RUNS = 200;
const BATCH = 5000;
const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DB = 'hotline_bench_work_orders';

const TOPICS = ['噪音扰民', '路灯不亮', '停水停电', '占道经营', '违章建筑', '垃圾清运', '共享单车乱停放', '物业服务', '拖欠工资', '食品安全',
  '出租车拒载', '医保报销', '社保卡补办', '学校招生', '供暖不热', '下水道堵塞', '油烟污染', '小区停车', '公交线路', '商品质量'];
const PLACES = ['青得里大街', '友谊路', '博乐市人民广场', '精河县城', '阿拉山口口岸', '温泉县', '北京路', '团结路', '南城区', '火车站'];
const DETAILS = ['已经持续一周', '多次反映未解决', '影响居民正常生活', '希望尽快处理', '请相关部门核实', '存在安全隐患', '老人孩子出行不便', '夜间尤其严重'];
const STATUSES = ['accepted', 'dispatched', 'handling', 'handling', 'handling', 'replied', 'closed', 'archived', 'archived', 'archived', 'archived', 'not_accepted'];
const TYPES = ['consultation', 'help', 'complaint', 'complaint', 'report', 'suggestion', 'praise'];
const REGIONS = ['652701', '652702', '652722', '652723', '650102', '650103'];

const pick = <T>(list: readonly T[], i: number) => list[i % list.length];

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function databaseUrl(): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB}`;
  return url.toString();
}

async function load(): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB}`);
  const dataSource = await createDataSource(databaseUrl()).initialize();
  await runMigrations(dataSource);
  await seedDemoData(dataSource);
  const client = new Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    const units: string[] = (await client.query(`SELECT id FROM units WHERE kind NOT IN ('centre', 'management') ORDER BY code`)).rows.map((r) => r.id);
    const categories: string[] = (await client.query(`SELECT id FROM categories WHERE code LIKE '%.%' ORDER BY code`)).rows.map((r) => r.id);
    const [{ id: agentId }] = (await client.query(`SELECT id FROM users WHERE username = 'agent'`)).rows;
    // Secondary indexes are dropped for the load and rebuilt after: much faster than maintaining them row by row.
    const indexes: { name: string; def: string }[] = (
      await client.query(
        `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename IN ('work_orders', 'work_order_assignments')
         AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%number_key'`,
      )
    ).rows;
    for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
    const start = Date.now();
    const now = Date.parse('2026-11-23T00:00:00Z');
    for (let offset = 0; offset < ROWS; offset += BATCH) {
      const columns: unknown[][] = Array.from({ length: 17 }, () => []);
      for (let i = offset; i < Math.min(offset + BATCH, ROWS); i += 1) {
        const topic = pick(TOPICS, (i * 7) % 997);
        const subject = `${pick(PLACES, i * 3)}${topic}`;
        const content = `${pick(PLACES, i)}附近${topic}问题, ${pick(DETAILS, i * 5)}, ${pick(DETAILS, i * 11)}。编号 ${i}`;
        const status = pick(STATUSES, (i * 13) % 101);
        const receivedAt = new Date(now - i * 31_000); // ~1 year of orders, one every 31 s
        const dispatched = !['accepted', 'not_accepted'].includes(status);
        const values = [
          `2025${String(i).padStart(9, '0')}`,
          status,
          pick(TYPES, (i * 17) % 103),
          pick(categories, (i * 19) % 107),
          pick(REGIONS, i * 23),
          subject,
          content,
          `13${String((i * 7919) % 1_000_000_000).padStart(9, '0')}`,
          i % 10 === 0,
          agentId,
          receivedAt,
          dispatched ? pick(units, (i * 29) % 109) : null,
          dispatched ? new Date(receivedAt.getTime() + 3600_000) : null,
          dispatched ? new Date(receivedAt.getTime() + 7 * 24 * 3600_000) : null,
          toSearchVector(subject, content),
          'ningxia-2025',
          1,
        ];
        values.forEach((value, column) => columns[column].push(value));
      }
      await client.query(
        `INSERT INTO work_orders (number, status, type, category_id, region_code, subject, content, caller_phone, confidential, intake_by,
           received_at, lead_unit_id, dispatched_at, handle_due_at, search_tokens, preset_code, preset_version,
           channel, caller_kind, contact_preference)
         SELECT n, s, t, c, r, sub, con, p, conf, a, ra, lu, da, hd, st::tsvector, pc, pv, 'phone', 'citizen', 'phone'
         FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bool[], $10::uuid[],
                     $11::timestamptz[], $12::uuid[], $13::timestamptz[], $14::timestamptz[], $15::text[], $16::text[], $17::int[])
              AS x(n, s, t, c, r, sub, con, p, conf, a, ra, lu, da, hd, st, pc, pv)`,
        columns,
      );
      if ((offset / BATCH) % 20 === 0) process.stdout.write(`  loaded ${offset + BATCH} rows (${Math.round((Date.now() - start) / 1000)} s)\n`);
    }
    await client.query(
      `INSERT INTO work_order_assignments (order_id, unit_id, role, assigned_at) SELECT id, lead_unit_id, 'lead', dispatched_at FROM work_orders WHERE lead_unit_id IS NOT NULL`,
    );
    process.stdout.write(`  rows loaded in ${Math.round((Date.now() - start) / 1000)} s; rebuilding ${indexes.length} indexes\n`);
    for (const index of indexes) await client.query(index.def);
    await client.query('VACUUM ANALYZE work_orders');
    await client.query('VACUUM ANALYZE work_order_assignments');
    process.stdout.write(`  ready after ${Math.round((Date.now() - start) / 1000)} s\n`);
  } finally {
    await client.end();
    await dataSource.destroy();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  let loadSeconds: number | null = null;
  if (!REUSE) {
    process.stdout.write(`Loading ${ROWS.toLocaleString()} work orders into ${DB}\n`);
    const loadStarted = Date.now();
    await load();
    loadSeconds = Math.round((Date.now() - loadStarted) / 100) / 10;
  }
  const dataSource = await createDataSource(databaseUrl()).initialize();
  const clock = new FixedClock('2026-11-23T09:00:00+08:00');
  const transactions = new PgTransactionRunner(dataSource);
  const service = new WorkOrderQueryService(transactions, new WorkOrderRepository(), new DuplicateDetector(), clock);
  const ids = async (sql: string) => (await dataSource.query(sql))[0];
  const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM work_orders`);
  const market = await ids(`SELECT id FROM units WHERE code = 'city.market'`);
  const handler = await ids(`SELECT id, unit_id FROM users WHERE username = 'market.handler'`);
  const centre: Actor = { userId: null, username: 'bench', roles: [Role.Reviewer], unitId: null };
  const unitActor: Actor = { userId: handler.id, username: 'market.handler', roles: [Role.UnitHandler], unitId: handler.unit_id };
  const deepCursor = async (actor: Actor, query: WorkOrderListQuery) => {
    let cursor: string | undefined;
    for (let page = 0; page < 20; page += 1) cursor = (await service.list(actor, { ...query, cursor })).nextCursor ?? undefined;
    return cursor;
  };
  const cases: [string, Actor, WorkOrderListQuery | (() => Promise<WorkOrderListQuery>)][] = [
    ['list: newest 50 (centre)', centre, {}],
    ['list: status=handling', centre, { status: ['handling' as never] }],
    ['list: lead unit filter', centre, { unitId: market.id }],
    ['list: unit-scoped actor (own orders only)', unitActor, {}],
    ['list: page 21 via keyset cursor', centre, async () => ({ cursor: await deepCursor(centre, {}) })],
    ['list: region prefix 6527 + type complaint', centre, { regionCode: '6527', type: 'complaint' as never }],
    ['list: overdue', centre, { deadlineState: 'overdue' }],
    ['search: common term 噪音扰民', centre, { q: '噪音扰民' }],
    ['search: phrase 青得里大街路灯不亮', centre, { q: '青得里大街路灯不亮' }],
    ['search: rare term 编号 777777', centre, { q: '编号 777777' }],
    ['search: term + status=archived', centre, { q: '食品安全', status: ['archived' as never] }],
    ['search: unit-scoped actor + term', unitActor, { q: '物业服务' }],
  ];
  const results: { case: string; p50: number; p95: number; max: number; rows: number }[] = [];
  for (const [name, actor, queryOrFactory] of cases) {
    const query = typeof queryOrFactory === 'function' ? await queryOrFactory() : queryOrFactory;
    for (let i = 0; i < 5; i += 1) await service.list(actor, query); // warm-up
    const timings: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i += 1) {
      const started = performance.now();
      rows = (await service.list(actor, query)).items.length;
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    results.push({ case: name, p50: round(percentile(timings, 50)), p95: round(percentile(timings, 95)), max: round(timings[timings.length - 1]), rows });
  }
  await dataSource.destroy();
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
  process.stdout.write(`\n${count.toLocaleString()} work orders; ${RUNS} runs per case; ${machine}\n\n`);
  process.stdout.write('| case | rows | p50 ms | p95 ms | max ms |\n| --- | ---: | ---: | ---: | ---: |\n');
  for (const r of results) process.stdout.write(`| ${r.case} | ${r.rows} | ${r.p50} | ${r.p95} | ${r.max} |\n`);
  const out = path.join(__dirname, 'results', `work-orders-${new Date().toISOString().slice(0, 10)}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ rows: count, runs: RUNS, machine, results }, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${path.relative(process.cwd(), out)}\n`);
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, `${JSON.stringify({ rows: count, runs: RUNS, machine, loadSeconds, results }, null, 2)}\n`);
  if (DROP) {
    await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    process.stdout.write(`dropped ${DB}\n`);
  }
}

const round = (value: number) => Math.round(value * 100) / 100;

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
