import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { HotlineEventStream } from './hotline-event-stream.service';

@Module({
  controllers: [EventsController],
  providers: [HotlineEventStream],
})
export class EventsModule {}
