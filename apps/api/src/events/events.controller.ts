import { Controller, MessageEvent, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { HotlineEventStream } from './hotline-event-stream.service';

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly events: HotlineEventStream) {}

  @Sse('stream')
  @ApiOperation({
    summary: 'Live hotline events (Server-Sent Events)',
    description:
      'A `ready` event once the server listens to the event channel, then each hotline event (call.started, call.answered, ' +
      'call.dtmf, call.ended) as an unnamed event whose data is the JSON envelope {id, type, version, occurredAt, payload} ' +
      'and whose SSE id is the envelope id. Comment lines every 25 s keep proxies from closing a quiet stream.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An endless text/event-stream', schema: { type: 'string' } })
  stream(): Observable<MessageEvent> {
    return this.events.stream();
  }
}
