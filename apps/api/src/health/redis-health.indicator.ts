import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { REDIS_CLIENT } from '@hotline/redis';

const PING_TIMEOUT_MS = 1_500;

@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async pingCheck<Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicators.check(key);
    const started = performance.now();
    const latencyMs = () => Math.round(performance.now() - started);
    let timer: NodeJS.Timeout | undefined;
    try {
      // While Redis is away the client queues commands and retries, so PING alone could wait far too long.
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      });
      await Promise.race([this.redis.ping(), timeout]);
      return session.up({ latencyMs: latencyMs() });
    } catch (error) {
      return session.down({ message: error instanceof Error ? error.message : String(error), latencyMs: latencyMs() });
    } finally {
      clearTimeout(timer);
    }
  }
}
