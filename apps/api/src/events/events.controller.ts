import { Controller, Headers, HttpCode, MessageEvent, Post, Sse, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { Actor, CENTRE_ROLES } from '@hotline/org';
import { ApiErrorResponse } from '../http/api-error.response';
import { callerNumberVisibility, watchesFloor } from '../realtime/realtime-snapshot.service';
import { EventStreamGuard } from './event-stream.guard';
import { EVENT_STREAM_TICKET_TTL_SECONDS, EventStreamTicketService } from './event-stream-ticket.service';
import { HotlineEventStream } from './hotline-event-stream.service';

@ApiTags('events')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ApiErrorResponse, description: 'Not logged in, or the ticket is unknown, used or expired' })
@ApiForbiddenResponse({ type: ApiErrorResponse, description: 'A unit role (the events carry callers’ numbers)' })
@Controller('events')
export class EventsController {
  constructor(
    private readonly events: HotlineEventStream,
    private readonly tickets: EventStreamTicketService,
  ) {}

  @Post('ticket')
  @HttpCode(200)
  @UseGuards(AuthGuard)
  @Roles(...CENTRE_ROLES)
  @ApiOperation({
    summary: 'A one-time ticket for opening the event stream from a browser',
    description: `EventSource cannot send headers: open /api/events/stream?ticket=<ticket> within ${EVENT_STREAM_TICKET_TTL_SECONDS} s. A ticket opens one stream; ask again to reconnect.`,
  })
  @ApiOkResponse({ schema: { type: 'object', properties: { ticket: { type: 'string' }, expiresIn: { type: 'integer', description: 'seconds' } } } })
  ticket(@Headers('authorization') authorization: string): Promise<{ ticket: string; expiresIn: number }> {
    return this.tickets.issue(authorization);
  }

  @Sse('stream')
  @UseGuards(EventStreamGuard)
  @ApiOperation({
    summary: 'Live hotline events (Server-Sent Events), for the centre’s roles',
    description:
      'Authenticate with Authorization: Bearer, or (browsers) with ?ticket= from POST /api/events/ticket. ' +
      'A `ready` event once the server listens to the event channel, then each hotline event (call.started, call.answered, ' +
      'call.dtmf, call.ended) as an unnamed event whose data is the JSON envelope {id, type, version, occurredAt, payload} ' +
      'and whose SSE id is the envelope id. Caller numbers are masked (138****1234) for roles other than agent, supervisor and quality; ' +
      'who is monitoring which call (supervision.*) goes to supervisors, quality and admins only. ' +
      'Comment lines every 25 s keep proxies from closing a quiet stream.',
  })
  @ApiQuery({ name: 'ticket', required: false, description: 'One-time ticket from POST /api/events/ticket (instead of the Authorization header)' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An endless text/event-stream', schema: { type: 'string' } })
  stream(@CurrentActor() actor: Actor): Observable<MessageEvent> {
    return this.events.stream({ callerNumbers: callerNumberVisibility(actor), supervision: watchesFloor(actor) });
  }
}
