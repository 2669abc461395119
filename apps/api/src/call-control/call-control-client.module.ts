import { Module } from '@nestjs/common';
import { RedisCommandBus } from '@hotline/redis';
import { CallControlClient } from './call-control.client';

/** Needs REDIS_CLIENT (RedisModule) and APP_CONFIG from the root module. */
@Module({
  providers: [RedisCommandBus, CallControlClient],
  exports: [CallControlClient],
})
export class CallControlClientModule {}
