import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { REDIS_CLIENT } from './redis.tokens';

export function createRedisClient(url: string, name: string, options: { autoPipelining?: boolean } = {}): Redis {
  const logger = new Logger(name);
  const client = new Redis(url, {
    // Keep retrying with backoff: Redis is live state, and a restart must not take the app down.
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 5_000),
    maxRetriesPerRequest: 3,
    connectionName: name,
    // Commands issued in the same tick go out in one write: a call's events and ACD steps come in bursts.
    // Not for subscriber connections, which only (un)subscribe.
    enableAutoPipelining: options.autoPipelining ?? false,
  });
  client.on('error', (error: Error) => logger.warn(`Redis: ${error.message}`));
  return client;
}

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createRedisClient(config.REDIS_URL, 'RedisClient', { autoPipelining: true }),
    },
    RedisShutdown,
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule {}
