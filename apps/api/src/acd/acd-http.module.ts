import { Module } from '@nestjs/common';
import { AcdModule } from '@hotline/acd';
import { AuthModule } from '@hotline/auth';
import { CallControlClientModule } from '../call-control/call-control-client.module';
import { CallControlReloader } from '../ivr/live-reload';
import { AcdCommandsService } from './acd-commands.service';
import { AgentsController } from './agents.controller';
import { QueuesController } from './queues.controller';

/** The ACD over HTTP: agents and their state, queues and figures, seats, callbacks. */
@Module({
  imports: [AcdModule, AuthModule, CallControlClientModule],
  controllers: [AgentsController, QueuesController],
  providers: [CallControlReloader, AcdCommandsService],
})
export class AcdHttpModule {}
