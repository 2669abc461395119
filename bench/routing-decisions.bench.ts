/*
 * Routing decisions of the ACD against the real Redis: the Lua store call-control uses
 * (apps/call-control/src/acd/acd-state.store.ts), with N agents logged in and ready and M callers waiting,
 * spread over 10 skills (each agent has 1-3 of them, each caller one). Run (not part of npm test):
 *
 *   node -r ./test/support/swc-register.js bench/routing-decisions.bench.ts [--agents 1000] [--waiting 2000] [--decisions 5000] [--json-out file]
 *
 * One decision = MATCH over all skills (the best waiting caller that has an eligible ready agent gets the
 * longest-idle one, both marked in one script): that is what the ACD runs for every offer. Between decisions
 * (untimed) the matched caller is removed and a new one queued, and the agent made ready again, so the sizes
 * stay N and M. Also timed: ENQUEUE (a caller joining a queue). Keys live under a random prefix, deleted after.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import type { AppConfig } from '@hotline/config';
import { AcdStateStore } from '../apps/call-control/src/acd/acd-state.store';
import { testEnvironment } from '../test/support/test-environment';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const AGENTS = Number(option('agents', '1000'));
const WAITING = Number(option('waiting', '2000'));
const DECISIONS = Number(option('decisions', '5000'));
const JSON_OUT = option('json-out', '');
const SKILLS = Array.from({ length: 10 }, (_, i) => `skill${i}`);

export interface RoutingResult {
  agents: number;
  waiting: number;
  decisions: number;
  matchP50Ms: number;
  matchP99Ms: number;
  matchMaxMs: number;
  enqueueP50Ms: number;
  enqueueP99Ms: number;
  unmatched: number;
}

async function main(): Promise<void> {
  const redis = new Redis(testEnvironment.TEST_REDIS_URL);
  const prefix = `bench-routing-${randomBytes(3).toString('hex')}`;
  const store = new AcdStateStore(redis, { REDIS_PREFIX: prefix } as AppConfig);
  try {
    const start = Date.now();
    for (let i = 0; i < AGENTS; i += 1) {
      const skills = Object.fromEntries(SKILLS.filter((_, s) => s === i % 10 || (i % 3 === 0 && s === (i + 3) % 10) || (i % 5 === 0 && s === (i + 7) % 10)).map((skill) => [skill, 1 + (i % 9)]));
      await store.login(`agent-${i}`, `seat-${i}`, skills, `agent ${i}`, start - AGENTS + i);
      await store.setState(`agent-${i}`, 'ready', '', start - AGENTS + i);
    }
    let next = 0;
    const enqueueTimes: number[] = [];
    const enqueue = async () => {
      const id = `call-${next}`;
      const skill = SKILLS[next % SKILLS.length]!;
      next += 1;
      const t0 = performance.now();
      await store.enqueue({ id, kind: 'live', callId: id, channelId: `chan-${id}`, callerNumber: '13800000000', skill, originSkill: skill, priority: next % 50 === 0 ? 50 : 0, enqueuedAt: start + next, callbackId: '' });
      enqueueTimes.push(performance.now() - t0);
    };
    for (let i = 0; i < WAITING; i += 1) await enqueue();
    const minLevels = Object.fromEntries(SKILLS.map((skill) => [skill, 1]));
    const matchTimes: number[] = [];
    let unmatched = 0;
    for (let d = 0; d < DECISIONS; d += 1) {
      const t0 = performance.now();
      const pair = await store.match(SKILLS, minLevels, Date.now());
      matchTimes.push(performance.now() - t0);
      if (!pair) {
        unmatched += 1;
        continue;
      }
      // Untimed bookkeeping: the caller leaves (answered elsewhere), a new one arrives, the agent is idle again.
      await store.removeEntry(pair.entryId, Date.now());
      await store.setState(pair.agentId, 'not_ready', 'bench', Date.now());
      await store.setState(pair.agentId, 'ready', '', Date.now());
      await enqueue();
    }
    matchTimes.sort((a, b) => a - b);
    enqueueTimes.sort((a, b) => a - b);
    const result: RoutingResult = {
      agents: AGENTS,
      waiting: WAITING,
      decisions: DECISIONS,
      matchP50Ms: round(percentile(matchTimes, 0.5)),
      matchP99Ms: round(percentile(matchTimes, 0.99)),
      matchMaxMs: round(matchTimes[matchTimes.length - 1] ?? 0),
      enqueueP50Ms: round(percentile(enqueueTimes, 0.5)),
      enqueueP99Ms: round(percentile(enqueueTimes, 0.99)),
      unmatched,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (JSON_OUT) await fs.writeFile(JSON_OUT, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await scrub(redis, prefix);
    redis.disconnect();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

async function scrub(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = nextCursor;
  } while (cursor !== '0');
}

main().catch((error: unknown) => {
  process.stderr.write(`routing bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
