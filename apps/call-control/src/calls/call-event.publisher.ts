import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { HOTLINE_EVENT_VERSION, HotlineEvent, HotlineEventPayloads, HotlineEventType } from '@hotline/realtime';
import { RedisEventPublisher } from '@hotline/redis';

/**
 * Publishes call events for live consumers. The record goes its own way (the timeline writer), so a Redis
 * outage costs live updates only, never the record: failures are logged, not thrown into call handling.
 *
 * The call path hands the event over and goes on without waiting for Redis's reply: the PUBLISH is queued on
 * the one connection in call order (so consumers see events in order) and leaves in the same write as the
 * commands the next steps issue, instead of costing a round trip of its own for each event.
 */
@Injectable()
export class CallEventPublisher {
  private readonly logger = new Logger(CallEventPublisher.name);

  constructor(private readonly publisher: RedisEventPublisher) {}

  publish<T extends HotlineEventType>(type: T, occurredAt: Date, payload: HotlineEventPayloads[T]): Promise<void> {
    const event: HotlineEvent<T> = { id: randomUUID(), type, version: HOTLINE_EVENT_VERSION, occurredAt: occurredAt.toISOString(), payload };
    this.publisher.publish(event).catch((error: Error) => {
      const subject = (payload as { callId?: string; agentId?: string; skill?: string }).callId ?? (payload as { agentId?: string }).agentId ?? (payload as { skill?: string }).skill;
      this.logger.error(`Could not publish ${type} for ${subject ?? 'the hotline'}: ${error.message}`);
    });
    return Promise.resolve();
  }
}
