/*
 * `npm run bench` (not part of npm test): runs the issue-9 benchmarks one after another, each in its own
 * process, and writes each result to bench/results/<date>-<name>.md (markdown table + the machine it ran on:
 * nproc, CPU model, RAM, kernel, load) with an SVG chart beside it (<date>-<name>.svg).
 *
 *   npm run bench                                  # everything at full size (long: see bench/README.md)
 *   npm run bench -- --only routing,work-orders    # some of them
 *   npm run bench -- --quick                       # small sizes: checks the runner and every bench end to end
 *   npm run bench -- --only work-orders --rows 3000000   # a reduced size (the default is 10,000,000)
 *   npm run bench -- --only acd-load --levels 50,100     # other concurrency levels
 *
 * Benchmarks:
 *   acd-load      SIPp load through the full path (IVR → ACD → SIPp agents → MixMonitor → records → events),
 *                 audio both ways, at rising concurrency until calls fail, side by side with native
 *                 app_queue + MixMonitor in the same run (bench/call-control.bench.ts --concurrency).
 *   routing       routing decisions with 1,000 logged-in agents and 2,000 waiting callers on the real Redis.
 *   work-orders   work-order list/search at 10,000,000 rows, in a database of its own dropped afterwards;
 *                 skipped (with the reason in its result file) when /work has less than 20 GB free.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { barChart, lineChart } from './lib/svg-chart';
import { describeMachine, machineMarkdown, MachineDescription } from './lib/machine';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(__dirname, 'results');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : null;
const MIN_FREE_GB_FOR_10M = 20;
const ROWS = args.includes('--rows') ? Number(args[args.indexOf('--rows') + 1]) : null;
const LEVELS = args.includes('--levels') ? args[args.indexOf('--levels') + 1]!.split(',').map(Number) : null;

interface BenchOutcome {
  /** Markdown body (table, notes) without the machine section. */
  markdown: string;
  svg: string | null;
  json: unknown;
}

interface Bench {
  name: string;
  run(json: string): Promise<BenchOutcome>;
}

const BENCHES: Bench[] = [
  {
    name: 'acd-load',
    async run(json) {
      const levels = LEVELS ?? (QUICK ? [10, 20] : [50, 100, 200, 300, 400, 500, 600]);
      const seats = Math.max(...levels) + 10;
      await node('bench/call-control.bench.ts', ['--concurrency', levels.join(','), '--seats', String(seats), '--json-out', json]);
      const data = JSON.parse(await fs.readFile(json, 'utf8')) as {
        results: Array<{
          path: string; concurrency: number; calls: number; successful: number; failed: number; asteriskMsPerCall: number; callControlMsPerCall: number; apiMsPerCall?: number;
          totalMsPerCall: number; latencyP50Ms: number | null; latencyP99Ms: number | null; eventToBrowserP50Ms?: number | null; eventToBrowserP99Ms?: number | null;
        }>;
        highestWithoutFailures: Record<string, number | null>;
      };
      const acd = (r: (typeof data.results)[number], value: number | null | undefined) => (r.path === 'acd' ? (value ?? '-') : '-');
      const rows = data.results.map(
        (r) =>
          `| ${r.concurrency} | ${r.path} | ${r.calls} | ${r.successful} | ${r.failed} | ${r.asteriskMsPerCall} | ${acd(r, r.callControlMsPerCall)} | ${acd(r, r.apiMsPerCall)} | ${r.totalMsPerCall} | ${r.latencyP50Ms ?? '-'} | ${r.latencyP99Ms ?? '-'} | ${acd(r, r.eventToBrowserP50Ms)} / ${acd(r, r.eventToBrowserP99Ms)} |`,
      );
      const concurrencies = [...new Set(data.results.map((r) => r.concurrency))];
      const series = (kind: string, field: 'totalMsPerCall' | 'latencyP99Ms') => concurrencies.map((c) => data.results.find((r) => r.concurrency === c && r.path === kind)?.[field] ?? null);
      return {
        json: data,
        markdown: [
          'Calls held up at once (concurrency), each citizen and agent sending audio (g711a.pcap); ACD = IVR flow → Redis ACD → SIPp agent, MixMonitor, call records and events; app_queue = `Queue()` + MixMonitor on the same Asterisk. CPU = user+system time per call (`/proc/<pid>/stat`). Routing = citizen INVITE sent → agent phone INVITE received. Before the levels, 60 calls go through each path unmeasured (warm-up: a running call-control is not cold).',
          '',
          '| concurrency | path | calls | ok | failed | Asterisk ms/call | call-control ms/call | api ms/call | total ms/call | routing p50 ms | routing p99 ms | event→browser p50 / p99 ms |',
          '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
          ...rows,
          '',
          `Highest concurrency without a failed call: ${JSON.stringify(data.highestWithoutFailures)}.`,
          'The api runs in its own process with one supervisor browser session (socket.io over websocket) connected; event→browser = a call.connected event\'s occurredAt in call-control → its arrival at that client. The api\'s CPU is counted for the ACD path only (app_queue publishes no events).',
        ].join('\n'),
        svg: lineChart({ title: 'CPU per call (Asterisk + call-control) by concurrency', x: concurrencies, xLabel: 'calls up at once', yLabel: 'ms CPU per call', series: [{ name: 'app_queue', values: series('app_queue', 'totalMsPerCall') }, { name: 'ACD', values: series('acd', 'totalMsPerCall') }, { name: 'ACD routing p99 (ms)', values: series('acd', 'latencyP99Ms') }] }),
      };
    },
  },
  {
    name: 'routing',
    async run(json) {
      const agents = QUICK ? 100 : 1_000;
      const waiting = QUICK ? 200 : 2_000;
      const decisions = QUICK ? 500 : 10_000;
      await node('bench/routing-decisions.bench.ts', ['--agents', String(agents), '--waiting', String(waiting), '--decisions', String(decisions), '--json-out', json]);
      const r = JSON.parse(await fs.readFile(json, 'utf8')) as { agents: number; waiting: number; decisions: number; matchP50Ms: number; matchP99Ms: number; matchMaxMs: number; enqueueP50Ms: number; enqueueP99Ms: number; unmatched: number };
      return {
        json: r,
        markdown: [
          `ACD routing decisions (Lua MATCH over 10 skills in the real Redis) with ${r.agents} agents logged in and ready and ${r.waiting} callers waiting; ${r.decisions} decisions, sizes kept constant.`,
          '',
          '| operation | p50 ms | p99 ms | max ms |',
          '| --- | ---: | ---: | ---: |',
          `| routing decision (MATCH) | ${r.matchP50Ms} | ${r.matchP99Ms} | ${r.matchMaxMs} |`,
          `| caller joins a queue (ENQUEUE) | ${r.enqueueP50Ms} | ${r.enqueueP99Ms} | - |`,
          '',
          `Decisions that found no pair: ${r.unmatched}.`,
        ].join('\n'),
        svg: barChart({ title: `Routing with ${r.agents} agents, ${r.waiting} waiting`, x: ['MATCH', 'ENQUEUE'], yLabel: 'ms', series: [{ name: 'p50', values: [r.matchP50Ms, r.enqueueP50Ms] }, { name: 'p99', values: [r.matchP99Ms, r.enqueueP99Ms] }] }),
      };
    },
  },
  {
    name: 'work-orders',
    async run(json) {
      const rows = ROWS ?? (QUICK ? 20_000 : 10_000_000);
      const freeGb = await freeGigabytes('/work');
      if (rows >= 5_000_000 && freeGb < MIN_FREE_GB_FOR_10M) {
        const reason = `skipped: ${freeGb.toFixed(1)} GB free on /work (df), ${MIN_FREE_GB_FOR_10M} GB needed for ${rows.toLocaleString()} rows and their indexes`;
        process.stderr.write(`[bench] work-orders ${reason}\n`);
        return { json: { skipped: reason }, markdown: reason, svg: null };
      }
      await node('bench/work-orders.bench.ts', ['--rows', String(rows), '--drop', '--json-out', json]);
      const r = JSON.parse(await fs.readFile(json, 'utf8')) as { rows: number; runs: number; loadSeconds: number | null; results: Array<{ case: string; p50: number; p95: number; max: number; rows: number }> };
      return {
        json: r,
        markdown: [
          `${r.rows.toLocaleString()} work orders (loaded in ${r.loadSeconds ?? '?'} s, database dropped afterwards); each case timed ${r.runs} times through WorkOrderQueryService (the api's query code, no HTTP).`,
          '',
          '| case | rows | p50 ms | p95 ms | max ms |',
          '| --- | ---: | ---: | ---: | ---: |',
          ...r.results.map((c) => `| ${c.case} | ${c.rows} | ${c.p50} | ${c.p95} | ${c.max} |`),
        ].join('\n'),
        svg: barChart({ title: `Work-order list/search at ${r.rows.toLocaleString()} rows`, x: r.results.map((c) => c.case.replace(/^(list|search): /, '')), yLabel: 'ms', series: [{ name: 'p50', values: r.results.map((c) => c.p50) }, { name: 'p95', values: r.results.map((c) => c.p95) }] }),
      };
    },
  },
];

async function main(): Promise<void> {
  const date = new Date().toISOString().slice(0, 10);
  await fs.mkdir(RESULTS, { recursive: true });
  const selected = BENCHES.filter((bench) => !ONLY || ONLY.includes(bench.name));
  if (selected.length === 0) throw new Error(`--only ${ONLY?.join(',')}: no such benchmark (have ${BENCHES.map((bench) => bench.name).join(', ')})`);
  let failures = 0;
  for (const bench of selected) {
    const name = QUICK ? `${bench.name}-quick` : bench.name;
    const before = describeMachine();
    const started = Date.now();
    const json = path.join(await fs.mkdtemp(path.join(os.tmpdir(), `bench-${bench.name}-`)), 'result.json');
    process.stderr.write(`[bench] ${name}: started (load ${before.loadAverage.join(' ')})\n`);
    try {
      const outcome = await bench.run(json);
      await write(date, name, outcome, before, describeMachine(), Date.now() - started);
    } catch (error) {
      failures += 1;
      process.stderr.write(`[bench] ${name} failed: ${(error as Error).message}\n`);
      await write(date, name, { json: { failed: (error as Error).message }, markdown: `**Failed:** ${(error as Error).message}`, svg: null }, before, describeMachine(), Date.now() - started);
    } finally {
      await fs.rm(path.dirname(json), { recursive: true, force: true });
    }
  }
  if (failures > 0) process.exitCode = 1;
}

async function write(date: string, name: string, outcome: BenchOutcome, before: MachineDescription, after: MachineDescription, elapsedMs: number): Promise<void> {
  const base = path.join(RESULTS, `${date}-${name}`);
  if (outcome.svg) await fs.writeFile(`${base}.svg`, outcome.svg);
  const markdown = [
    `# ${name} (${date})`,
    '',
    outcome.markdown,
    '',
    outcome.svg ? `![${name}](./${path.basename(base)}.svg)\n` : '',
    `Ran ${(elapsedMs / 1000).toFixed(0)} s: \`npm run bench -- ${['--only', name.replace(/-quick$/, ''), ...args.filter((arg, i) => arg !== '--only' && args[i - 1] !== '--only')].join(' ')}\`.`,
    '',
    machineMarkdown(before),
    `| load when done | \`${after.uptime}\` |`,
    '',
  ].join('\n');
  await fs.writeFile(`${base}.md`, markdown);
  await fs.writeFile(`${base}.json`, `${JSON.stringify({ machine: { before, after }, elapsedMs, result: outcome.json }, null, 2)}\n`);
  process.stderr.write(`[bench] ${name}: written ${path.relative(ROOT, base)}.md\n`);
}

/** Runs a bench file in a child Node with the repository's TypeScript loader; output goes to this terminal. */
function node(file: string, benchArgs: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './test/support/swc-register.js', file, ...benchArgs], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${code ?? signal}`))));
  });
}

async function freeGigabytes(dir: string): Promise<number> {
  const stats = await fs.statfs(dir);
  return (stats.bavail * stats.bsize) / 1e9;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench runner failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
