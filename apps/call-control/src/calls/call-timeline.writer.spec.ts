import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { AppConfig } from '@hotline/config';
import { CallRecordErrorCode, CallRecordNotWrittenError } from './call-record.errors';
import { CallTimelineWriter } from './call-timeline.writer';

const WAIT_MS = 5_000;

/**
 * The Redis side of the writer, in memory: RPUSH/LLEN and its three scripts, told apart by their keys and
 * arguments (lock and read: 2 keys + 3 args; trim and release: 2 + 2; release: 1 + 1).
 */
class FakeRedis {
  readonly list: string[] = [];
  private lock: string | null = null;
  rpush = jest.fn(async (_key: string, ...items: string[]) => this.list.push(...items));
  llen = jest.fn(async () => this.list.length);
  evalsha = jest.fn(async (_sha: string, keys: number, ...args: string[]) => {
    if (keys === 1) return this.release(args[1]!);
    if (args.length === 5) {
      if (this.lock) return null;
      this.lock = args[2]!;
      const items = this.list.slice(0, Number(args[4]));
      if (items.length === 0) this.lock = null;
      return items;
    }
    if (this.lock !== args[2]) return 0;
    this.list.splice(0, Number(args[3]));
    return this.release(args[2]!);
  });

  private release(token: string): number {
    if (this.lock !== token) return 0;
    this.lock = null;
    return 1;
  }
}

/** The writer's pool: refuses connections while `down`, as a stopped Postgres does. */
class FakePostgres {
  down = false;
  readonly batches: string[] = [];
  readonly pool = {
    connect: jest.fn(async () => {
      if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return { query: async (_sql: string, [batch]: [string]) => (this.batches.push(batch), { rows: [] }), release: () => undefined };
    }),
  };
}

function setup() {
  const redis = new FakeRedis();
  const postgres = new FakePostgres();
  const config = { REDIS_PREFIX: 'unit', CALL_TIMELINE_FLUSH_MS: 100, CALL_TIMELINE_BATCH_SIZE: 200, CALL_RECORD_WAIT_MS: WAIT_MS } as AppConfig;
  const writer = new CallTimelineWriter(redis as unknown as Redis, { driver: { master: postgres.pool } } as unknown as DataSource, config);
  const open = (callId: string) =>
    writer.write({ op: 'call', callId, channelId: `chan-${callId}`, direction: 'inbound', callerNumber: null, dialedNumber: '12345', startedAt: new Date().toISOString(), lineNumber: null, skill: null });
  // Who still waits for a call's operations (a waiter that gave up must be gone).
  const waiters = (callId: string) => (writer['pendingByCall'].get(callId)?.waiters.length ?? 0);
  const pending = (callId: string) => writer['pendingByCall'].has(callId);
  return { writer, redis, postgres, open, waiters, pending };
}

/** What a wait came to, without letting a rejection go unhandled. */
function outcome(wait: Promise<void>): { value: 'waiting' | 'written' | Error } {
  const state: { value: 'waiting' | 'written' | Error } = { value: 'waiting' };
  wait.then(
    () => (state.value = 'written'),
    (error: Error) => (state.value = error),
  );
  return state;
}

describe('CallTimelineWriter.callWritten', () => {
  let errors: jest.SpyInstance;

  beforeEach(() => {
    // The writer's own timers (flush, retry, the bound) are faked; the pushes it defers to the next tick are not.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('resolves as soon as the call is written and leaves no timer behind', async () => {
    const { writer, postgres, open, pending } = setup();
    open('c1');
    const wait = outcome(writer.callWritten('c1'));
    await jest.advanceTimersByTimeAsync(100);
    expect(wait.value).toBe('written');
    expect(postgres.batches).toHaveLength(1);
    expect(pending('c1')).toBe(false);
    // The bound was cleared with the wait: nothing left to fire.
    expect(jest.getTimerCount()).toBe(0);
  });

  it('gives up after CALL_RECORD_WAIT_MS while Postgres is out, drops the waiter, and writes the call when Postgres is back', async () => {
    const { writer, redis, postgres, open, waiters, pending } = setup();
    postgres.down = true;
    open('c1');
    const wait = outcome(writer.callWritten('c1'));
    await jest.advanceTimersByTimeAsync(WAIT_MS - 1);
    expect(wait.value).toBe('waiting');
    expect(postgres.pool.connect.mock.calls.length).toBeGreaterThan(1);

    await jest.advanceTimersByTimeAsync(1);
    expect(wait.value).toBeInstanceOf(CallRecordNotWrittenError);
    expect(wait.value).toMatchObject({ code: CallRecordErrorCode.NotWritten, kind: 'unavailable', details: { callId: 'c1', waitedMs: WAIT_MS } });
    expect((wait.value as Error).message).toMatch(/call c1 .* within 5000 ms/);
    expect(waiters('c1')).toBe(0);
    // The operation itself is not given up: still in Redis, still owed to Postgres.
    expect(redis.list).toHaveLength(1);
    expect(pending('c1')).toBe(true);

    // Postgres is back: the retry (backoff up to 1 s) writes it; the commit of the call nobody waits for any more is no error.
    const failuresLogged = errors.mock.calls.length;
    postgres.down = false;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(redis.list).toHaveLength(0);
    expect(JSON.parse(postgres.batches[0]!)).toMatchObject({ calls: [{ id: 'c1' }] });
    expect(pending('c1')).toBe(false);
    expect(errors.mock.calls.length).toBe(failuresLogged);
    expect(wait.value).toBeInstanceOf(CallRecordNotWrittenError);
  });

  it("keeps an 'eventually' waiter (off anyone's path) through an outage, however long, and resolves it when Postgres is back", async () => {
    const { writer, postgres, open, waiters } = setup();
    postgres.down = true;
    open('c1');
    const soon = outcome(writer.callWritten('c1'));
    const eventually = outcome(writer.callWritten('c1', 'eventually'));
    await jest.advanceTimersByTimeAsync(10 * WAIT_MS);
    expect(soon.value).toBeInstanceOf(CallRecordNotWrittenError);
    expect(eventually.value).toBe('waiting');
    expect(waiters('c1')).toBe(1);

    postgres.down = false;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(eventually.value).toBe('written');
    expect(waiters('c1')).toBe(0);
  });

  it('a wait Postgres meets within the bound once it is back is written, and its bound never fires afterwards', async () => {
    const { writer, postgres, open } = setup();
    postgres.down = true;
    open('c1');
    const first = outcome(writer.callWritten('c1'));
    await jest.advanceTimersByTimeAsync(WAIT_MS / 2);
    postgres.down = false;
    open('c2');
    const second = outcome(writer.callWritten('c2'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(first.value).toBe('written');
    expect(second.value).toBe('written');
    await jest.advanceTimersByTimeAsync(WAIT_MS);
    expect(first.value).toBe('written');
  });
});
