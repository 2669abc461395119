import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { PgBossService } from './pg-boss.service';
import { Sql } from './pg-transaction';
import { TimerJob, timerKey, TimerRequest, TimerScheduler, WORK_ORDER_TIMER_QUEUE } from './work-order-timer';

/**
 * Enqueues timers through pg-boss on the command's own transaction (`db` option), so a rolled-back command
 * leaves no timer and a committed one always has its timers. The job id is derived from the timer's key:
 * scheduling the same timer twice inserts one job (pg-boss inserts with ON CONFLICT DO NOTHING).
 */
@Injectable()
export class PgBossTimerScheduler extends TimerScheduler {
  constructor(private readonly pgBoss: PgBossService) {
    super();
  }

  async schedule(tx: Sql, timers: readonly TimerRequest[]): Promise<void> {
    const db = { executeSql: (text: string, values: unknown[]) => tx.query(text, values) };
    for (const timer of timers) {
      const job: TimerJob = { orderId: timer.orderId, kind: timer.kind, dueAt: timer.dueAt.toISOString(), level: timer.level };
      await this.pgBoss.boss().send(WORK_ORDER_TIMER_QUEUE, job, { id: jobId(timerKey(timer)), startAfter: timer.fireAt, db });
    }
  }
}

/** A UUID (version 5 layout) from a name, so the same timer always gets the same job id. */
export function jobId(key: string): string {
  const hash = createHash('sha1').update(`hotline12345:${key}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
