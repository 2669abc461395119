import { Module } from '@nestjs/common';
import { AcdModule } from '@hotline/acd';
import { AuthModule } from '@hotline/auth';
import { CallControlClientModule } from '../call-control/call-control-client.module';
import { CallControlReloader } from '../ivr/live-reload';
import { AcdCommandsService } from './acd-commands.service';
import { AgentsController } from './agents.controller';
import { QueuesController } from './queues.controller';
import { QueueStatsRelay } from './queue-stats.relay';
import { QueueSettingsRepository } from './queue-settings.repository';
import { QueueSettingsService } from './queue-settings.service';
import { RedisEventPublisher } from '@hotline/redis';
import { CLOCK, SystemClock } from '@hotline/common';

/** The ACD over HTTP: agents and their state, queues and figures, seats, callbacks; queue figures pushed to wallboards. */
@Module({
  imports: [AcdModule, AuthModule, CallControlClientModule],
  controllers: [AgentsController, QueuesController],
  providers: [CallControlReloader, AcdCommandsService, QueueSettingsRepository, QueueSettingsService, QueueStatsRelay, RedisEventPublisher, { provide: CLOCK, useClass: SystemClock }],
})
export class AcdHttpModule {}
