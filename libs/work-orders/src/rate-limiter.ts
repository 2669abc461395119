import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { REDIS_CLIENT } from '@hotline/redis';
import type Redis from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

/** Counts attempts per key in fixed windows. */
export abstract class RateLimiter {
  abstract attempt(key: string, limit: number, windowSeconds: number): Promise<RateDecision>;
}

/**
 * In Redis, so every api instance shares the count; losing it only resets windows (nothing of record lives
 * here, per architecture.md).
 */
@Injectable()
export class RedisRateLimiter extends RateLimiter {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  async attempt(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    const redisKey = `${this.config.REDIS_PREFIX}:rate:${key}`;
    const [[incrementError, count], [, ttl]] = (await this.redis.multi().incr(redisKey).ttl(redisKey).exec()) as [[Error | null, number], [Error | null, number]];
    if (incrementError) throw incrementError;
    if (ttl < 0) await this.redis.expire(redisKey, windowSeconds);
    return { allowed: count <= limit, retryAfterSeconds: ttl > 0 ? ttl : windowSeconds };
  }
}

/** For specs: the same fixed-window rule in memory. */
export class InMemoryRateLimiter extends RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  async attempt(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { allowed: window.count <= limit, retryAfterSeconds: Math.ceil((window.resetAt - now) / 1000) };
  }
}
