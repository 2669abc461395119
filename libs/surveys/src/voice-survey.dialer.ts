import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { callControlCommandStream, COMMAND_STREAM_FIELD, OutboundCallCommand } from '@hotline/realtime';
import { REDIS_CLIENT } from '@hotline/redis';
import type Redis from 'ioredis';

/** Hands a survey call to call-control, which owns every call. */
export abstract class VoiceSurveyDialer {
  abstract dial(command: OutboundCallCommand<'survey.call'>): Promise<void>;
}

/**
 * XADD to call-control's command stream: unlike pub/sub, a command issued while call-control restarts waits
 * for its consumer group. The attempt itself is recorded in Postgres first, so losing Redis loses no survey:
 * the attempt's wait runs out and the next attempt follows.
 */
@Injectable()
export class RedisStreamVoiceSurveyDialer extends VoiceSurveyDialer {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  async dial(command: OutboundCallCommand<'survey.call'>): Promise<void> {
    await this.redis.xadd(callControlCommandStream(this.config.REDIS_PREFIX), 'MAXLEN', '~', '100000', '*', COMMAND_STREAM_FIELD, JSON.stringify(command));
  }
}
