import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { REDIS_CLIENT } from '@hotline/redis';

/** What a citizen was promised: a callback on a skill's queue, ranked from when they left. */
export interface CallbackRequest {
  number: string;
  skill: string;
  reason: 'abandoned' | 'requested' | 'manual';
  originCallId: string | null;
  rank: number;
  at: Date;
}

export interface PromisedCallback {
  /** Chosen before anything is written: queueing it twice writes one row and one queue entry. */
  id: string;
  request: CallbackRequest;
}

/**
 * Callbacks promised to citizens who are off the line, kept in Redis until they are in Postgres and queued.
 * The row waits for the origin call's row, which waits for Postgres: a call-control that stops during an
 * outage would otherwise take the promise with it. The next process (AcdReconciler) queues what is left.
 */
@Injectable()
export class PromisedCallbackJournal {
  private readonly key: string;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.key = `${config.REDIS_PREFIX}:acd:promised-callbacks`;
  }

  async add({ id, request }: PromisedCallback): Promise<void> {
    await this.redis.hset(this.key, id, JSON.stringify({ ...request, at: request.at.toISOString() }));
  }

  async remove(id: string): Promise<void> {
    await this.redis.hdel(this.key, id);
  }

  async all(): Promise<PromisedCallback[]> {
    return Object.entries(await this.redis.hgetall(this.key)).map(([id, json]) => {
      const stored = JSON.parse(json) as Omit<CallbackRequest, 'at'> & { at: string };
      return { id, request: { ...stored, at: new Date(stored.at) } };
    });
  }
}
