import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { REDIS_CLIENT } from '@hotline/redis';
import type { NewCallTransfer, TransferOutcome } from './call-transfer.repository';

/** One write to a transfer's trail, as data: what a later process can still write if this one stops. */
export type TransferTrailOp =
  | { kind: 'started'; row: NewCallTransfer }
  | { kind: 'answered'; trailId: string; at: Date }
  | { kind: 'conference'; trailId: string; at: Date }
  | { kind: 'ended'; trailId: string; outcome: TransferOutcome; at: Date; cause: number | null };

/**
 * A call's trail writes not yet in Postgres, in order, in a Redis list per call (pushed when they happen,
 * popped from the head once written): they wait for the call's row, so for Postgres, and a call-control
 * that stops during an outage leaves them for the next process (TransferTrailRecorder.resumePending).
 */
@Injectable()
export class TransferTrailJournal {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.prefix = `${config.REDIS_PREFIX}:transfer-trail:`;
  }

  async push(callId: string, op: TransferTrailOp): Promise<void> {
    await this.redis.rpush(this.prefix + callId, JSON.stringify(op));
  }

  /** The head: the oldest write, the one just made. */
  async pop(callId: string): Promise<void> {
    await this.redis.lpop(this.prefix + callId);
  }

  /** Every call's pending writes, oldest first. */
  async pending(): Promise<Map<string, TransferTrailOp[]>> {
    const found = new Map<string, TransferTrailOp[]>();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) found.set(key.slice(this.prefix.length), (await this.redis.lrange(key, 0, -1)).map(parseOp));
    } while (cursor !== '0');
    return found;
  }
}

function parseOp(json: string): TransferTrailOp {
  const op = JSON.parse(json) as TransferTrailOp;
  if (op.kind === 'started') return { ...op, row: { ...op.row, startedAt: new Date(op.row.startedAt) } };
  return { ...op, at: new Date(op.at) };
}
