import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { HotlineEvent, hotlineEventChannel } from '@hotline/realtime';
import { REDIS_CLIENT } from './redis.tokens';

@Injectable()
export class RedisEventPublisher {
  private readonly channel: string;

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis, @Inject(APP_CONFIG) config: AppConfig) {
    this.channel = hotlineEventChannel(config.REDIS_PREFIX);
  }

  async publish(event: HotlineEvent): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(event));
  }
}
