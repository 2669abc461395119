import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, callTimelineIdleFlushMs } from '@hotline/config';
import { defineRedisScripts, REDIS_CLIENT, RedisScripts } from '@hotline/redis';
import { applyTimelineBatch, TimelineOp } from './call-timeline.batch';
import { CallRecordNotWrittenError } from './call-record.errors';

/** Longer than a flush can take (APPLY_TIMEOUT_MS): only the holder trims the buffer. */
const LOCK_MS = 30_000;
const APPLY_TIMEOUT_MS = 10_000;
const MAX_RETRY_MS = 1_000;

/**
 * One round trip per flush on each side of the Postgres write: take the lock and read the head of the list
 * (false: another process is flushing; an empty list releases the lock at once), then trim and release - the
 * trim only while still holding the lock, so a flusher whose lock expired never drops another's rows.
 */
const LOCK_AND_READ = `if redis.call('set', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then
  local items = redis.call('lrange', KEYS[1], 0, tonumber(ARGV[3]) - 1)
  if #items == 0 then redis.call('del', KEYS[2]) end
  return items
end
return false`;
const TRIM_AND_RELEASE = `if redis.call('get', KEYS[2]) == ARGV[1] then redis.call('ltrim', KEYS[1], tonumber(ARGV[2]), -1) redis.call('del', KEYS[2]) return 1 end return 0`;
const RELEASE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/** The scripts above as commands: run by their SHA, not re-sent with every flush. */
const TIMELINE_SCRIPTS = {
  timelineLockAndRead: { numberOfKeys: 2, lua: LOCK_AND_READ },
  timelineTrimAndRelease: { numberOfKeys: 2, lua: TRIM_AND_RELEASE },
  timelineReleaseIfOwner: { numberOfKeys: 1, lua: RELEASE_IF_OWNER },
};

/** Someone waiting for a call's operations to be committed. */
interface Waiter {
  resolve: () => void;
  /** On a call's path (a screen pop, a supervisor): flushed after flushMs, not idleFlushMs. */
  urgent: boolean;
}

/** Operations of one call handed over by this process and not yet seen committed, and who waits for them. */
interface CallPending {
  count: number;
  waiters: Waiter[];
}

/**
 * Who waits for the call's operations. 'soon': a person (supervisor, agent, caller) - the flush comes forward
 * and the wait gives up after CALL_RECORD_WAIT_MS. 'eventually': work off anyone's path (finalising a
 * recording after the call) - no hurry, and it waits as long as Postgres is out.
 */
export type WrittenUrgency = 'soon' | 'eventually';

/**
 * Write-behind for the call record: calls rows, their status changes and timeline events. The call path only
 * hands an operation over (no await on Postgres, so calls go on while Postgres is down); operations are
 * appended to a Redis list at once (a crash of call-control loses nothing Redis has), then flushed to Postgres
 * in batches as one statement, one round trip (call_events sequences assigned in list order): after
 * CALL_TIMELINE_FLUSH_MS when something on a call's path waits for a call's operations, else after
 * CALL_TIMELINE_IDLE_FLUSH_MS (each flush costs round trips to Redis and Postgres whatever its size, and at low
 * call rates most would carry one call's step), or at once when CALL_TIMELINE_BATCH_SIZE operations wait. Rows
 * are trimmed from the list only after the commit; a flush repeated after a crash or a lost reply is a no-op
 * (calls by id, events by event_id). While Postgres is unreachable the list grows and the flush retries with backoff; when it
 * is back the backlog is written in order. One flusher at a time across processes (a Redis lock).
 */
@Injectable()
export class CallTimelineWriter implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(CallTimelineWriter.name);
  private readonly listKey: string;
  private readonly lockKey: string;
  private readonly flushMs: number;
  private readonly idleFlushMs: number;
  private readonly batchSize: number;
  private readonly recordWaitMs: number;
  private readonly scripts: RedisScripts<keyof typeof TIMELINE_SCRIPTS>;
  /**
   * Operations handed over in this turn of the event loop, pushed to Redis together (one RPUSH per burst, not
   * per event). Pushed on the next tick, before the client's auto-pipeline goes out (setImmediate), so the RPUSH
   * shares the socket write of the call's other commands (its events) instead of costing a write of its own.
   */
  private outgoing: string[] = [];
  private pushScheduled = false;
  private pushing: Promise<void> = Promise.resolve();
  private readonly pendingByCall = new Map<string, CallPending>();
  /** Waiters in all of pendingByCall's lists, and those of them that are urgent. */
  private waiters = 0;
  private urgentWaiters = 0;
  private pushesInFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerDueAt = 0;
  private flushing: Promise<void> | null = null;
  private failingSince: number | null = null;
  private retryMs: number;
  private stopped = false;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.listKey = `${config.REDIS_PREFIX}:call-timeline:pending`;
    this.lockKey = `${config.REDIS_PREFIX}:call-timeline:flush-lock`;
    this.flushMs = config.CALL_TIMELINE_FLUSH_MS;
    this.idleFlushMs = callTimelineIdleFlushMs(config);
    this.batchSize = config.CALL_TIMELINE_BATCH_SIZE;
    this.recordWaitMs = config.CALL_RECORD_WAIT_MS;
    this.retryMs = this.flushMs;
    this.scripts = defineRedisScripts(redis, TIMELINE_SCRIPTS);
  }

  onApplicationBootstrap(): void {
    // Whatever a previous process left in the list (Postgres was down, or it crashed) is written first.
    this.schedule(0);
  }

  /** Hands an operation over. Synchronous: the caller never waits for Postgres (nor for Redis). */
  write(op: TimelineOp): void {
    const callId = callOf(op);
    if (callId) {
      const pending = this.pendingByCall.get(callId);
      if (pending) pending.count += 1;
      else this.pendingByCall.set(callId, { count: 1, waiters: [] });
    }
    this.outgoing.push(JSON.stringify(op));
    if (this.pushScheduled) return;
    this.pushScheduled = true;
    process.nextTick(() => this.push());
  }

  /**
   * Resolves once everything handed over so far for the call is in Postgres: for records that reference the
   * call's row (recordings, queue records, drafts) and for work that must follow its end (finalising its
   * recording). At once when nothing of the call is pending here. 'soon' brings the next flush forward to
   * CALL_TIMELINE_FLUSH_MS and rejects with CallRecordNotWrittenError after CALL_RECORD_WAIT_MS (a person
   * waits; Postgres may be out); 'eventually' waits for the idle flush, however long that takes.
   */
  callWritten(callId: string, urgency: WrittenUrgency = 'soon'): Promise<void> {
    const pending = this.pendingByCall.get(callId);
    if (!pending) return Promise.resolve();
    if (urgency === 'eventually') return new Promise<void>((resolve) => this.addWaiter(pending, { resolve, urgent: false }));
    const written = new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        urgent: true,
      };
      const timer = setTimeout(() => {
        // Only the waiter goes: the operations stay in Redis and are written when Postgres is back.
        this.dropWaiter(pending, waiter);
        reject(new CallRecordNotWrittenError(callId, this.recordWaitMs));
      }, this.recordWaitMs);
      // Like the flush timer: a process that is stopping need not stay up for it.
      timer.unref();
      this.addWaiter(pending, waiter);
    });
    this.schedule(this.flushMs);
    return written;
  }

  /** Operations waiting in Redis for Postgres (for health reporting and tests). */
  async backlog(): Promise<number> {
    await this.pushing;
    return this.redis.llen(this.listKey);
  }

  /** Flushes until the list is empty (or the deadline passes): tests and an orderly shutdown. */
  async drain(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    await this.pushing;
    while (Date.now() < deadline) {
      await this.flushNow();
      if ((await this.redis.llen(this.listKey)) === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.retryMs, 100)));
    }
    return false;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.push();
    await this.pushing;
    // Best effort: whatever is not written now stays in Redis for the next process.
    if (this.failingSince === null) await this.drain(2_000);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private push(): void {
    this.pushScheduled = false;
    if (this.outgoing.length === 0) return;
    const items = this.outgoing;
    this.outgoing = [];
    // Chained, so the list keeps the order the operations happened in.
    this.pushesInFlight += 1;
    this.pushing = this.pushing.then(async () => {
      try {
        const length = await this.redis.rpush(this.listKey, ...items);
        if (length >= this.batchSize) this.schedule(0);
        else this.schedule(this.anyoneWaiting(true) ? this.flushMs : this.idleFlushMs);
      } catch (error) {
        // Redis is the durable buffer; if it refuses, the operations are written straight to Postgres.
        this.logger.error(`Could not buffer ${items.length} timeline operations in Redis (${(error as Error).message}); writing them directly`);
        await this.applyDirect(items);
        this.committed(items.map((item) => JSON.parse(item) as TimelineOp));
      } finally {
        this.pushesInFlight -= 1;
      }
    });
  }

  private async applyDirect(items: string[]): Promise<void> {
    try {
      await this.apply(items.map((item) => JSON.parse(item) as TimelineOp));
    } catch (error) {
      this.logger.error(`Lost ${items.length} timeline operations: Redis and Postgres both refused them (${(error as Error).message})`);
    }
  }

  /** Flushes within delayMs: a flush already due sooner stands, one due later is brought forward. */
  private schedule(delayMs: number): void {
    if (this.stopped && delayMs > 0) return;
    const dueAt = Date.now() + delayMs;
    if (this.timer) {
      if (this.timerDueAt <= dueAt) return;
      clearTimeout(this.timer);
    }
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flushNow();
    }, delayMs);
    this.timer.unref();
  }

  private flushNow(): Promise<void> {
    if (this.flushing) return this.flushing;
    // A flush starting now reads everything pushed so far, so it stands for one scheduled for later; what is
    // pushed after it schedules its own. (A timer set while a flush runs is kept: it covers later pushes.)
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async flushLoop(): Promise<void> {
    for (;;) {
      let flushed: number | 'locked';
      try {
        flushed = await this.flushOnce();
      } catch (error) {
        this.failed(error as Error);
        this.schedule(this.retryMs);
        return;
      }
      this.recovered();
      if (flushed === 'locked') {
        // Another process is flushing (our operations may be in its batch): look again shortly.
        this.schedule(this.flushMs);
        return;
      }
      if (flushed === 0) {
        if (this.outgoing.length === 0 && this.pushesInFlight === 0) this.allCommitted();
        return;
      }
      if (flushed < this.batchSize) {
        // Operations pushed meanwhile scheduled their own flush; one more pass settles anyone still waiting.
        if (this.anyoneWaiting(false)) this.schedule(this.anyoneWaiting(true) ? this.flushMs : this.idleFlushMs);
        return;
      }
    }
  }

  /** One batch: lock and read the head of the list, write it in one statement, trim and release. */
  private async flushOnce(): Promise<number | 'locked'> {
    const token = randomUUID();
    const items = (await this.scripts.timelineLockAndRead(this.listKey, this.lockKey, token, String(LOCK_MS), String(this.batchSize))) as string[] | null;
    if (items === null) return 'locked';
    if (items.length === 0) return 0;
    let trimmed = false;
    try {
      const ops: TimelineOp[] = [];
      for (const item of items) {
        try {
          ops.push(JSON.parse(item) as TimelineOp);
        } catch (error) {
          // Never produced by this writer; kept aside for a person rather than blocking every later call.
          this.logger.error(`Unreadable timeline operation moved to ${this.listKey}:unreadable: ${(error as Error).message}`);
          await this.redis.rpush(`${this.listKey}:unreadable`, item);
        }
      }
      await this.apply(ops);
      await this.scripts.timelineTrimAndRelease(this.listKey, this.lockKey, token, String(items.length));
      trimmed = true;
      this.committed(ops);
      return items.length;
    } finally {
      if (!trimmed) await this.scripts.timelineReleaseIfOwner(this.lockKey, token);
    }
  }

  private async apply(ops: TimelineOp[]): Promise<void> {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const connecting = pool.connect();
    let client: PoolClient;
    try {
      client = await withTimeout(connecting, APPLY_TIMEOUT_MS, 'connecting to Postgres');
    } catch (error) {
      // A connection that arrives after the timeout goes back to the pool instead of leaking.
      connecting.then(
        (late) => late.release(),
        (lateError: Error) => this.logger.debug(`Postgres connection attempt ended: ${lateError.message}`),
      );
      throw error;
    }
    let broken: Error | undefined;
    try {
      await withTimeout(applyTimelineBatch(client, ops, this.logger), APPLY_TIMEOUT_MS, 'writing the timeline batch');
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      // A connection that failed mid-statement is dropped rather than handed to the next query.
      client.release(broken);
    }
  }

  /** Asked on every push: answered from counts kept with the waiter lists, not by scanning the pending calls. */
  private anyoneWaiting(urgently: boolean): boolean {
    return (urgently ? this.urgentWaiters : this.waiters) > 0;
  }

  private addWaiter(pending: CallPending, waiter: Waiter): void {
    pending.waiters.push(waiter);
    this.waiters += 1;
    if (waiter.urgent) this.urgentWaiters += 1;
  }

  /** A waiter that gave up leaves its call's list. */
  private dropWaiter(pending: CallPending, waiter: Waiter): void {
    const index = pending.waiters.indexOf(waiter);
    if (index < 0) return;
    pending.waiters.splice(index, 1);
    this.waiters -= 1;
    if (waiter.urgent) this.urgentWaiters -= 1;
  }

  private release(pending: CallPending): void {
    for (const waiter of pending.waiters) {
      this.waiters -= 1;
      if (waiter.urgent) this.urgentWaiters -= 1;
      waiter.resolve();
    }
    pending.waiters = [];
  }

  private committed(ops: TimelineOp[]): void {
    for (const op of ops) {
      const callId = callOf(op);
      const pending = callId ? this.pendingByCall.get(callId) : undefined;
      if (!callId || !pending) continue;
      pending.count -= 1;
      if (pending.count > 0) continue;
      this.pendingByCall.delete(callId);
      this.release(pending);
    }
  }

  /** The list is empty and nothing is on its way to it: whatever was pending (another process flushed it) is in. */
  private allCommitted(): void {
    const all = [...this.pendingByCall.values()];
    this.pendingByCall.clear();
    for (const pending of all) this.release(pending);
  }

  private failed(error: Error): void {
    if (this.failingSince === null) {
      this.failingSince = Date.now();
      this.logger.error(`Flushing the call timeline failed (${error.message}); keeping it in Redis and retrying`);
    } else {
      this.logger.debug(`Timeline flush still failing: ${error.message}`);
    }
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private recovered(): void {
    this.retryMs = this.flushMs;
    if (this.failingSince === null) return;
    this.logger.log(`Call timeline flushing again after ${Math.round((Date.now() - this.failingSince) / 1000)} s`);
    this.failingSince = null;
  }
}

/** The call an operation belongs to (agent state lines are the agent's, not a call's). */
function callOf(op: TimelineOp): string | null {
  return op.op === 'agent-state' ? null : op.callId;
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
