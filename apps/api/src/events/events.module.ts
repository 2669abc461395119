import { Module } from '@nestjs/common';
import { AuthModule } from '@hotline/auth';
import { EventsController } from './events.controller';
import { EventStreamGuard } from './event-stream.guard';
import { EventStreamTicketService } from './event-stream-ticket.service';
import { HotlineEventStream } from './hotline-event-stream.service';

@Module({
  imports: [AuthModule],
  controllers: [EventsController],
  providers: [HotlineEventStream, EventStreamTicketService, EventStreamGuard],
})
export class EventsModule {}
