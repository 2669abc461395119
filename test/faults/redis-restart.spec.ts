/**
 * Fault: Redis restarts empty (no persistence) under call-control, with one caller talking to an agent,
 * another agent logged in but not ready, and 10 callers waiting. The test runs its OWN redis-server on a
 * free port (the machine's shared Redis is never touched). call-control (its own process) must rebuild the
 * ACD state from Postgres and Asterisk: agents back in their states, the talk still connected, the waiting
 * callers back in their original order; then serve them all - 0 callers lost.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import { findFreePorts } from '@hotline/provisioning';
import { callControlCommandStream } from '@hotline/realtime';
import { RedisCommandBus } from '@hotline/redis';
import { SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { CallControlChild, startCallControlChild } from '../support/call-control-child';
import { freePort } from '../support/free-port';
import { activeChannels, callCrowd, callersByEvent, provisionQueue } from './fault-fixture';

jest.setTimeout(6 * 60_000);

const TALK = '13840000';
const WAIT = '13850000';
const WAITING = 10;

/** A throw-away redis-server without persistence: killing it loses everything, as a crash of a cache node would. */
async function startOwnRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 100, maxRetriesPerRequest: 1 });
  await waitFor(async () => (await probe.ping().catch(() => '')) === 'PONG', 10_000, `redis-server on ${port}`);
  probe.disconnect();
  return child;
}

async function killRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('fault: Redis restarts empty → ACD state rebuilt from Asterisk + Postgres (own redis-server, call-control process, SIPp)', () => {
  let h: CallControlHarness;
  let talkPhone: SippUas;
  let fastPhone: SippUas;
  let redisServer: ChildProcess | null = null;
  let redisDir: string;
  let redisPort: number;
  let redis: Redis;
  let commands: RedisCommandBus;
  let callControl: CallControlChild | null = null;

  beforeAll(async () => {
    redisPort = await freePort();
    redisDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fault-redis-'));
    redisServer = await startOwnRedis(redisPort, redisDir);
    const [talkPort, fastPort] = (await findFreePorts(2)) as number[];
    talkPhone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 30_000 }, localPort: talkPort!, timeoutMs: 360_000 });
    fastPhone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 700 }, localPort: fastPort!, timeoutMs: 360_000 });
    h = await startCallControlHarness('fault-redis', { rtpFrom: 48_000, rtpPorts: 120, startCallControl: false, config: { REDIS_URL: `redis://127.0.0.1:${redisPort}` } });
    // The harness's own Redis handles point at the shared server; this test talks to its own.
    redis = new Redis(redisPort, '127.0.0.1');
    commands = new RedisCommandBus(redis, h.config);
    callControl = await startCallControlChild(h.config, 'call-control');
    await provisionQueue(
      h,
      {
        agents: [
          { id: 'talker', seat: 'seat-talk', contactUri: `sip:seat-talk@127.0.0.1:${talkPort}` },
          { id: 'spare', seat: 'seat-fast', contactUri: `sip:seat-fast@127.0.0.1:${fastPort}` },
        ],
      },
      commands,
    );
  });

  afterAll(async () => {
    await callControl?.stop();
    await commands?.onApplicationShutdown();
    redis?.disconnect();
    await h?.close();
    await talkPhone?.stop();
    await fastPhone?.stop();
    if (redisServer) await killRedis(redisServer);
    await fs.rm(redisDir, { recursive: true, force: true });
  });

  async function send(type: string, payload: Record<string, unknown>): Promise<void> {
    const result = await commands.send(type as never, { requestedBy: 'test', ...payload } as never);
    if (!result.ok) throw new Error(`${type}: ${result.error.code} ${result.error.message}`);
  }
  const acdKey = (suffix: string) => `${h.config.REDIS_PREFIX}:{acd}:${suffix}`;

  it('rebuilds agents, the talk and the queue in order, and loses no caller', async () => {
    await send('agent.login', { agentId: 'talker', seat: 'seat-talk' });
    await send('agent.set-state', { agentId: 'talker', state: 'ready' });
    const talking = callCrowd(h, { prefix: TALK, calls: 1, rate: 1, listenMs: 120_000 });
    await waitFor(async () => (await callersByEvent(h, 'call.connected', TALK)).length === 1, 30_000, 'the talk');
    // After this call the talker stops (deferred not ready); the spare agent is logged in, not ready.
    await send('agent.set-state', { agentId: 'talker', state: 'not_ready', reason: 'after-call' });
    await send('agent.login', { agentId: 'spare', seat: 'seat-fast' });
    await send('agent.set-state', { agentId: 'spare', state: 'ready' });
    await send('agent.set-state', { agentId: 'spare', state: 'not_ready', reason: 'break' });
    const waiting = callCrowd(h, { prefix: WAIT, calls: WAITING, rate: 5, listenMs: 240_000 });
    await waitFor(async () => (await callersByEvent(h, 'call.queued', WAIT)).length === WAITING, 30_000, 'the callers to queue');
    const queueOrder = await callersByEvent(h, 'call.queued', WAIT);
    const callIdOf = new Map((await h.db.query(`SELECT caller_number, id FROM calls WHERE caller_number LIKE $1`, [`${WAIT}%`])).rows.map((row) => [row.caller_number, row.id]));
    expect(await redis.zrange(acdKey('queue:general'), 0, -1)).toEqual(queueOrder.map((caller) => callIdOf.get(caller)));

    // Redis dies and comes back empty on the same port.
    await killRedis(redisServer!);
    const restarted = Date.now();
    redisServer = await startOwnRedis(redisPort, redisDir);
    await waitFor(async () => (await redis.zcard(acdKey('queue:general'))) === WAITING, 30_000, 'the queue to be rebuilt');
    const rebuiltMs = Date.now() - restarted;
    // The survey-call consumer's group went with Redis: call-control creates it again, so survey commands
    // issued from now on are read (and the consumer stops failing on NOGROUP).
    const surveyGroups = async () => {
      const stream = callControlCommandStream(h.config.REDIS_PREFIX);
      if ((await redis.exists(stream)) === 0) return [];
      return ((await redis.xinfo('GROUPS', stream)) as unknown[][]).map((group) => String(group[1]));
    };
    await waitFor(async () => (await surveyGroups()).includes('call-control'), 10_000, 'the survey command group to be created again');

    // Rebuilt: same order, the talk connected with its agent on the call, the spare agent not ready.
    expect(await redis.zrange(acdKey('queue:general'), 0, -1)).toEqual(queueOrder.map((caller) => callIdOf.get(caller)));
    expect(await redis.hgetall(acdKey('agent:talker'))).toMatchObject({ state: 'on_call', seat: 'seat-talk' });
    expect(await redis.hgetall(acdKey('agent:spare'))).toMatchObject({ state: 'not_ready', reason: 'break', seat: 'seat-fast' });
    const [talkCall] = (await h.db.query(`SELECT id FROM calls WHERE caller_number = $1`, [`${TALK}1`])).rows;
    expect(await redis.hgetall(acdKey(`entry:${talkCall.id}`))).toMatchObject({ state: 'connected', agentId: 'talker' });

    // Service resumes: the spare agent takes the queue in order; the talk ends normally when the talker hangs up.
    await send('agent.set-state', { agentId: 'spare', state: 'ready' });
    await waitFor(async () => (await callersByEvent(h, 'call.connected', WAIT)).length === WAITING, 120_000, 'every waiting caller to be served');
    expect(await callersByEvent(h, 'call.connected', WAIT)).toEqual(queueOrder);
    const [talkResult, waitResult] = await Promise.all([talking, waiting]);
    expect(talkResult.counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });
    expect(talkResult.logLines).toContain('hangup=remote');
    expect(waitResult.counters).toMatchObject({ successfulCalls: WAITING, failedCalls: 0 });
    // The talker's deferred "not ready" was lost with Redis; they end the call and are available again.
    await waitFor(async () => ['ready', 'not_ready'].includes((await redis.hget(acdKey('agent:talker'), 'state')) ?? ''), 20_000, 'the talker to be off the call');
    await waitFor(async () => (await h.db.query(`SELECT count(*)::int AS n FROM calls WHERE status <> 'ended'`)).rows[0].n === 0, 20_000, 'every call record to be closed');
    const causes = await h.db.query(`SELECT hangup_cause, count(*)::int AS n FROM calls GROUP BY hangup_cause`);
    expect(causes.rows).toEqual([{ hangup_cause: 16, n: WAITING + 1 }]);
    expect(await activeChannels(h)).toBe(0);
    process.stderr.write(`[fault-redis] Redis restarted empty → queue of ${WAITING} rebuilt in ${rebuiltMs} ms\n`);
  });
});
