/*
 * Inbound calls to an agent: Asterisk's own app_queue (leastrecent, autofill, MixMonitor) against this
 * product's ACD on ARI (MixMonitor in the dialplan, IVR flow, Redis state, events, Postgres rows), on one
 * Asterisk, in one run, interleaved. Citizens and agents carry audio both ways (g711a.pcap), as
 * docs/platform.md requires. Run (not part of npm test):
 *
 *   node -r ./test/support/swc-register.js bench/call-control.bench.ts [--rates 5,10] [--calls 60] [--hold 8000] [--rounds 2] [--warmup 60]
 *
 * First --warmup calls go through each path unmeasured. Per round: CPU time of Asterisk and of call-control (/proc/<pid>/stat, user+system) divided by the calls,
 * routing latency (citizen's INVITE sent → the agent phone's INVITE received, from SIPp's clock_tick logs)
 * p50/p99, failed calls. Rates go up until a round fails; the highest rate with zero failures is reported.
 * Writes bench/results/call-control-<date>.json.
 *
 * `--call-control built` (default) runs call-control from the production build (dist/, built first by
 * `node scripts/launch.js build`); `--call-control source` compiles it in the process, as the tests do.
 *
 * `--cgroups`: Asterisk and call-control each in a CPU cgroup of its own (bench/lib/cpu-groups.ts), as their
 * containers in deploy/ are; otherwise the CPU is shared out per thread, which starves call-control's event
 * loop (and so its routing latency, not its CPU per call) when the machine is saturated. Needs root.
 *
 * Concurrency mode (issue 9, used by `npm run bench`): `--concurrency 50,100,200` runs, per level N, N calls
 * ramped up at `--ramp` calls/s (default 20) and held until all N are up at once (hold = ramp time + 10 s);
 * levels go up until a round fails. `--json-out <file>` writes the results there as well.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { appConfigSchema, loadConfig, processEnvironment } from '@hotline/config';
import { findFreePorts, findFreeUdpRange, startAsteriskInstance, type AsteriskInstance } from '@hotline/provisioning';
import { RedisCommandBus } from '@hotline/redis';
import { startCallControlChild, type CallControlChild } from '../test/support/call-control-child';
import { runSipp, startSippUas, type SippUas } from '../test/support/sipp/sipp.runner';
import { startBenchApi, type BenchApi } from './lib/api-child';
import { ownCpuGroup } from './lib/cpu-groups';
import { TestDatabase } from '../test/support/test-database';
import { testEnvironment } from '../test/support/test-environment';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const RATES = option('rates', '5,10').split(',').map(Number);
const CALLS = Number(option('calls', '60'));
const HOLD_MS = Number(option('hold', '8000'));
const ROUNDS = Number(option('rounds', '2'));
const SEATS = Number(option('seats', '120'));
const BASELINE_NUMBER = '12390';
const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux
const CONCURRENCY = args.includes('--concurrency') ? option('concurrency', '').split(',').map(Number) : null;
const RAMP = Number(option('ramp', '20'));
const JSON_OUT = option('json-out', '');
const CGROUPS = args.includes('--cgroups');
/**
 * `built` (default): call-control from the production build (dist/, built first), as npm start and the container
 * run it. `source`: compiled in the process from TypeScript, as the tests run it; its heap also holds the
 * compiler's output and source maps (about twice the resident memory), which makes garbage collection dearer.
 */
const CALL_CONTROL_FROM = option('call-control', 'built');
/**
 * Calls through each path before anything is measured (not counted): a freshly started call-control runs its
 * first calls cold (V8 compiles and optimises the call path as it goes), while a real one has run for days.
 */
const WARMUP_CALLS = Number(option('warmup', '60'));
/** A concurrency level: N calls ramped at RAMP/s, each held until the last one is up (+10 s). */
const levelOf = (n: number) => ({ rate: RAMP, calls: n, holdMs: Math.ceil((n / RAMP) * 1_000) + 10_000 });

interface RoundResult {
  path: 'app_queue' | 'acd';
  rate: number;
  calls: number;
  successful: number;
  failed: number;
  asteriskMsPerCall: number;
  callControlMsPerCall: number;
  totalMsPerCall: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  latencySamples: number;
  /** Concurrency mode, where the api runs in its own process with a supervisor's browser session connected. */
  apiMsPerCall?: number;
  /** call.connected: occurredAt (call-control) → received by the supervisor's socket.io client. */
  eventToBrowserP50Ms?: number | null;
  eventToBrowserP99Ms?: number | null;
}

async function main(): Promise<void> {
  const templatesDir = await benchTemplates();
  const recordingsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hotline-bench-recordings-'));
  const [sipPort, ariPort, amiPort, agentPort] = (await findFreePorts(4)) as number[];
  // Concurrency mode: 2 legs per call, RTP + RTCP each, and room to spare (the range must not run out first).
  // Below the ephemeral port range, where test instances on a shared machine leave no long free run.
  const rtp = await findFreeUdpRange(Math.max(2_000, Math.max(0, ...(CONCURRENCY ?? [])) * 6), CONCURRENCY ? { from: 20_000, to: 32_000 } : { from: 30_000, to: 40_000 });
  const asterisk = await startAsteriskInstance({
    cacheDir: testEnvironment.HOTLINE_CACHE_DIR,
    name: `bench-${process.pid}`,
    sipPort: sipPort!,
    ariHttpPort: ariPort!,
    amiPort: amiPort!,
    rtpStart: rtp.start,
    rtpEnd: rtp.end,
    hotlineNumber: '12345',
    ariApp: 'hotline',
    carrierAddresses: ['127.0.0.1'],
    templatesDir,
    recordingsDir,
    env: processEnvironment(),
    log: (line) => process.stderr.write(`[asterisk] ${line}\n`),
  });
  const database = await TestDatabase.create('bench_call_control');
  const [apiPort] = (await findFreePorts(1)) as number[];
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  const config = loadConfig(appConfigSchema, {
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(16).toString('hex'),
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    REDIS_URL: testEnvironment.TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    ARI_URL: asterisk.ariUrl,
    ARI_USERNAME: asterisk.ariUsername,
    ARI_PASSWORD: asterisk.ariPassword,
    AMI_HOST: asterisk.amiHost,
    AMI_PORT: String(asterisk.amiPort),
    AMI_USERNAME: asterisk.amiUsername,
    AMI_PASSWORD: asterisk.amiPassword,
    RECORDINGS_DIR: recordingsDir,
    IVR_SOUNDS_DIR: asterisk.soundsDir,
    ASTERISK_GENERATED_CONFIG_DIR: asterisk.generatedConfigDir,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
  });
  let callControl: CallControlChild | null = null;
  let agents: SippUas | null = null;
  let api: BenchApi | null = null;
  const redis = new Redis(testEnvironment.TEST_REDIS_URL);
  const commands = new RedisCommandBus(redis, config);
  const db = new Client({ connectionString: database.url });
  const groups: Array<() => Promise<void>> = [];
  try {
    if (CGROUPS) groups.push(await ownCpuGroup(`hotline-bench-asterisk-${process.pid}`, asterisk.pid));
    if (CALL_CONTROL_FROM === 'built') buildDist();
    callControl = await startCallControlChild(config, 'call-control', { built: CALL_CONTROL_FROM === 'built' });
    if (CGROUPS) groups.push(await ownCpuGroup(`hotline-bench-call-control-${process.pid}`, callControl.pid));
    if (CONCURRENCY) api = await startBenchApi(config);
    await db.connect();
    await prepareAcd(db, agentPort!);
    for (const what of ['ivr-flows', 'lines', 'seats', 'queues'] as const) await commands.send('config.reload', { what, requestedBy: 'bench' });
    // app_queue reads its members' device state; the seats exist only since call-control's reload.
    await asterisk.rx('module reload app_queue.so');
    agents = await startSippUas({ scenarioFile: path.join(__dirname, 'scenarios', 'bench-agent.xml'), variables: { ANSWER_AFTER_MS: 200, TALK_MS: 120_000 }, localPort: agentPort!, callLimit: SEATS + 10, timeoutMs: 3_600_000 });

    if (WARMUP_CALLS > 0) {
      for (const kind of ['app_queue', 'acd'] as const) {
        await setAgents(commands, kind === 'acd');
        const warm = await runRound(kind, 10, asterisk, callControl.pid, agents, sipPort!, { calls: WARMUP_CALLS, holdMs: 4_000 });
        process.stderr.write(`[bench] warm-up (not counted) ${JSON.stringify(warm)}\n`);
      }
    }
    const results: RoundResult[] = [];
    let highest: Record<'app_queue' | 'acd', number | null> = { app_queue: null, acd: null };
    for (const concurrency of CONCURRENCY ?? []) {
      for (const kind of ['app_queue', 'acd'] as const) {
        await setAgents(commands, kind === 'acd');
        const result = { ...(await runRound(kind, RAMP, asterisk, callControl.pid, agents, sipPort!, levelOf(concurrency), api)), concurrency };
        results.push(result);
        process.stderr.write(`[bench] ${JSON.stringify(result)}\n`);
        if (result.failed === 0) highest = { ...highest, [kind]: Math.max(highest[kind] ?? 0, concurrency) };
      }
      if (results.slice(-2).some((result) => result.failed > 0)) break;
    }
    for (const rate of CONCURRENCY ? [] : RATES) {
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const kind of ['app_queue', 'acd'] as const) {
          await setAgents(commands, kind === 'acd');
          const result = await runRound(kind, rate, asterisk, callControl.pid, agents, sipPort!);
          results.push(result);
          process.stderr.write(`[bench] ${JSON.stringify(result)}\n`);
          if (result.failed === 0) highest = { ...highest, [kind]: Math.max(highest[kind] ?? 0, rate) };
        }
      }
      if (results.slice(-ROUNDS * 2).some((result) => result.failed > 0)) break;
    }
    await setAgents(commands, false);
    report(results, highest);
    const out = path.join(__dirname, 'results', `call-control-${new Date().toISOString().slice(0, 10)}.json`);
    await fs.mkdir(path.dirname(out), { recursive: true });
    // Concurrency mode writes only --json-out: the day's rate-mode result stays as it was.
    if (!CONCURRENCY) await fs.writeFile(out, `${JSON.stringify({ machine: machine(), callControl: CALL_CONTROL_FROM, cgroups: CGROUPS, calls: CALLS, holdMs: HOLD_MS, seats: SEATS, results, highestRateWithoutFailures: highest }, null, 2)}\n`);
    if (JSON_OUT) await fs.writeFile(JSON_OUT, `${JSON.stringify({ machine: machine(), callControl: CALL_CONTROL_FROM, cgroups: CGROUPS, seats: SEATS, ramp: RAMP, results, highestWithoutFailures: highest }, null, 2)}\n`);
    if (!CONCURRENCY) process.stderr.write(`[bench] written ${out}\n`);
  } finally {
    await agents?.stop();
    await api?.stop();
    await callControl?.stop();
    await commands.onApplicationShutdown();
    await scrub(redis, prefix);
    redis.disconnect();
    await db.end().catch((error: Error) => process.stderr.write(`[bench] database client: ${error.message}\n`));
    await asterisk.stop();
    for (const removeGroup of groups) await removeGroup();
    await database.drop();
    await fs.rm(recordingsDir, { recursive: true, force: true });
    await fs.rm(templatesDir, { recursive: true, force: true });
  }
}

/** The production build, as npm start makes it (compiles only what changed since). */
function buildDist(): void {
  const built = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'launch.js'), 'build'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`node scripts/launch.js build failed (${built.status ?? built.signal})`);
}

/** The product's templates plus a baseline number that runs app_queue with MixMonitor (bench only). */
async function benchTemplates(): Promise<string> {
  const source = path.join(__dirname, '..', 'asterisk', 'templates');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hotline-bench-templates-'));
  for (const file of await fs.readdir(source)) await fs.copyFile(path.join(source, file), path.join(dir, file));
  await fs.appendFile(
    path.join(dir, 'extensions.conf'),
    `
; --- benchmark baseline: native app_queue with MixMonitor ---
[from-carrier]
exten => ${BASELINE_NUMBER},1,Goto(bench-baseline,s,1)

[bench-baseline]
exten => s,1,Answer()
 same => n,MixMonitor({{INSTANCE_DIR}}/recordings/bench/\${UNIQUEID}.wav)
 same => n,Queue(bench,,,,120)
 same => n,Hangup()
`,
  );
  const members = Array.from({ length: SEATS }, (_, i) => `member => PJSIP/seat-${i + 1}`).join('\n');
  await fs.appendFile(
    path.join(dir, 'queues.conf'),
    `
[bench]
strategy = leastrecent
autofill = yes
ringinuse = no
timeout = 15
retry = 1
wrapuptime = 0
joinempty = yes
leavewhenempty = no
musicclass = default
${members}
`,
  );
  return dir;
}

async function prepareAcd(db: Client, agentPort: number): Promise<void> {
  // The product's path with everything on: an IVR flow (one condition on the caller lists, then the queue).
  const flow = { start: 'check', nodes: { check: { type: 'condition', check: { kind: 'caller-list', list: 'elderly' }, then: 'front', else: 'queue' }, front: { type: 'queue', priority: 50 }, queue: { type: 'queue' } } };
  await db.query(`INSERT INTO ivr_flows (name) VALUES ('bench')`);
  await db.query(`INSERT INTO ivr_flow_versions (flow_name, version, document, created_by) VALUES ('bench', 1, $1, 'bench')`, [JSON.stringify(flow)]);
  await db.query(`UPDATE ivr_flows SET published_version = 1 WHERE name = 'bench'`);
  await db.query(`UPDATE hotline_lines SET flow_name = 'bench' WHERE number = '12345'`);
  await db.query(`UPDATE acd_skills SET wrap_up_seconds = 0, announce_every_seconds = 600, max_wait_seconds = 3600, ring_timeout_seconds = 15`);
  for (let i = 1; i <= SEATS; i += 1) {
    await db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ($1, $1, $2)`, [`seat-${i}`, `sip:seat-${i}@127.0.0.1:${agentPort}`]);
    await db.query(`INSERT INTO acd_agents (id, name) VALUES ($1, $1)`, [`agent-${i}`]);
    await db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ($1, 'general', 5)`, [`agent-${i}`]);
  }
}

/** The ACD's agents are logged in (ready) only for its rounds, so it never rings seats during app_queue's. */
async function setAgents(commands: RedisCommandBus, loggedIn: boolean): Promise<void> {
  for (let i = 1; i <= SEATS; i += 1) {
    if (loggedIn) {
      await commands.send('agent.login', { agentId: `agent-${i}`, seat: `seat-${i}`, requestedBy: 'bench' });
      await commands.send('agent.set-state', { agentId: `agent-${i}`, state: 'ready', requestedBy: 'bench' });
    } else {
      await commands.send('agent.logout', { agentId: `agent-${i}`, requestedBy: 'bench' });
    }
  }
}

async function runRound(
  kind: 'app_queue' | 'acd',
  rate: number,
  asterisk: AsteriskInstance,
  callControlPid: number,
  agents: SippUas,
  sipPort: number,
  level: { calls: number; holdMs: number } = { calls: CALLS, holdMs: HOLD_MS },
  api: BenchApi | null = null,
): Promise<RoundResult> {
  const { calls: CALLS, holdMs: HOLD_MS } = level;
  const apiBefore = api ? await cpuTicks(api.pid) : 0;
  const eventsBefore = api ? api.received.length : 0;
  const prefix = `13${kind === 'acd' ? 1 : 2}${String(rate).padStart(2, '0')}${randomBytes(1).readUInt8(0) % 90 + 10}`;
  const agentLinesBefore = (await agents.logLines()).length;
  const before = { asterisk: await cpuTicks(asterisk.pid), callControl: await cpuTicks(callControlPid) };
  const [localPort] = (await findFreePorts(1)) as number[];
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-citizens-'));
  const result = await runSipp({
    scenarioFile: path.join(__dirname, 'scenarios', 'bench-citizen.xml'),
    variables: { HOLD_MS, CALLER_PREFIX: prefix },
    service: kind === 'acd' ? '12345' : BASELINE_NUMBER,
    remoteHost: '127.0.0.1',
    remotePort: sipPort,
    localPort: localPort!,
    calls: CALLS,
    rate,
    callLimit: CALLS,
    timeoutMs: CALLS * 1_000 / rate + HOLD_MS + 120_000,
    workDir,
  });
  // Let hangups, recordings and records settle before reading the clocks.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const after = { asterisk: await cpuTicks(asterisk.pid), callControl: await cpuTicks(callControlPid) };
  // Wall-clock times (gettimeofday) from both SIPp processes: seconds and microseconds.
  const ms = (seconds: string | undefined, micros: string | undefined) => Number(seconds) * 1_000 + Number(micros) / 1_000;
  const invites = new Map(result.logLines.filter((line) => line.startsWith('invite ')).map((line) => line.split(' ')).map(([, caller, s, us]) => [caller!, ms(s, us)]));
  const rings = (await agents.logLines()).slice(agentLinesBefore).filter((line) => line.startsWith('ring ')).map((line) => line.split(' '));
  const latencies = rings
    .filter(([, caller]) => invites.has(caller!))
    .map(([, caller, s, us]) => Math.round(ms(s, us) - invites.get(caller!)!))
    .sort((a, b) => a - b);
  await fs.rm(workDir, { recursive: true, force: true });
  const calls = result.counters.totalCallCreated || CALLS;
  const perCall = (ticks: number) => (ticks * 1_000) / TICKS_PER_SECOND / calls;
  const asteriskMs = perCall(after.asterisk - before.asterisk);
  const callControlMs = kind === 'acd' ? perCall(after.callControl - before.callControl) : 0;
  const apiMs = api && kind === 'acd' ? perCall((await cpuTicks(api.pid)) - apiBefore) : 0;
  const toBrowser = (api?.received.slice(eventsBefore) ?? [])
    .filter(({ event }) => event.type === 'call.connected')
    .map(({ event, at }) => at - Date.parse(event.occurredAt))
    .sort((a, b) => a - b);
  return {
    ...(api ? { apiMsPerCall: round(apiMs), eventToBrowserP50Ms: percentile(toBrowser, 0.5), eventToBrowserP99Ms: percentile(toBrowser, 0.99) } : {}),
    path: kind,
    rate,
    calls,
    successful: result.counters.successfulCalls,
    failed: result.counters.failedCalls,
    asteriskMsPerCall: round(asteriskMs),
    callControlMsPerCall: round(callControlMs),
    totalMsPerCall: round(asteriskMs + callControlMs + apiMs),
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP99Ms: percentile(latencies, 0.99),
    latencySamples: latencies.length,
  };
}

/** utime + stime of a process and all its threads, in clock ticks. */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function report(results: RoundResult[], highest: Record<string, number | null>): void {
  const lines = ['| path | rate (calls/s) | calls | failed | Asterisk ms/call | call-control ms/call | total ms/call | routing p50 ms | p99 ms |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of results) lines.push(`| ${r.path} | ${r.rate} | ${r.calls} | ${r.failed} | ${r.asteriskMsPerCall} | ${r.callControlMsPerCall} | ${r.totalMsPerCall} | ${r.latencyP50Ms ?? '-'} | ${r.latencyP99Ms ?? '-'} |`);
  const mean = (kind: string, rate: number) => {
    const rows = results.filter((r) => r.path === kind && r.rate === rate && r.failed === 0);
    return rows.length ? rows.reduce((sum, r) => sum + r.totalMsPerCall, 0) / rows.length : null;
  };
  for (const rate of new Set(results.map((r) => r.rate))) {
    const baseline = mean('app_queue', rate);
    const acd = mean('acd', rate);
    if (baseline && acd) lines.push(`\nrate ${rate}/s: ACD ${acd.toFixed(1)} ms/call vs app_queue ${baseline.toFixed(1)} ms/call = ${(acd / baseline).toFixed(2)}×`);
  }
  lines.push(`highest rate with zero failed calls: ${JSON.stringify(highest)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function machine(): Record<string, unknown> {
  return { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, load: os.loadavg() };
}

async function scrub(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
