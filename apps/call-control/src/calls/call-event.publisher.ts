import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { HOTLINE_EVENT_VERSION, HotlineEvent, HotlineEventPayloads, HotlineEventType } from '@hotline/realtime';
import { RedisEventPublisher } from '@hotline/redis';

/**
 * Publishes call events for live consumers. Postgres already holds the event when this runs, so a Redis
 * outage costs live updates only, never the record: failures are logged, not thrown into call handling.
 */
@Injectable()
export class CallEventPublisher {
  private readonly logger = new Logger(CallEventPublisher.name);

  constructor(private readonly publisher: RedisEventPublisher) {}

  async publish<T extends HotlineEventType>(type: T, occurredAt: Date, payload: HotlineEventPayloads[T]): Promise<void> {
    const event: HotlineEvent<T> = { id: randomUUID(), type, version: HOTLINE_EVENT_VERSION, occurredAt: occurredAt.toISOString(), payload };
    try {
      await this.publisher.publish(event);
    } catch (error) {
      const subject = (payload as { callId?: string; agentId?: string; skill?: string }).callId ?? (payload as { agentId?: string }).agentId ?? (payload as { skill?: string }).skill;
      this.logger.error(`Could not publish ${type} for ${subject ?? 'the hotline'}: ${(error as Error).message}`);
    }
  }
}
