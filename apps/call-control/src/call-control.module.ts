import { DynamicModule, Module } from '@nestjs/common';
import { CLOCK, SystemClock } from '@hotline/common';
import { AppConfig, ConfigModule } from '@hotline/config';
import { DatabaseModule } from '@hotline/database';
import { RedisEventPublisher, RedisModule } from '@hotline/redis';
import { TelephonyModule } from '@hotline/telephony';
import { CallEventPublisher } from './calls/call-event.publisher';
import { CallLogRepository } from './calls/call-log.repository';
import { CallSessionRegistry } from './calls/call-session.registry';
import { CallSessionService } from './calls/call-session.service';
import { HotlineStasisHandler } from './calls/hotline-stasis.handler';

@Module({})
export class CallControlModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: CallControlModule,
      imports: [ConfigModule.forConfig(config), DatabaseModule, RedisModule, TelephonyModule],
      providers: [
        { provide: CLOCK, useClass: SystemClock },
        RedisEventPublisher,
        CallEventPublisher,
        CallLogRepository,
        CallSessionRegistry,
        CallSessionService,
        HotlineStasisHandler,
      ],
    };
  }
}
