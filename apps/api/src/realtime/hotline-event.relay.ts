import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { hotlineEventChannel, parseHotlineEvent } from '@hotline/realtime';
import { createRedisClient } from '@hotline/redis';
import { AcdStateStore } from './acd-state.store';
import { RealtimeFanout } from './realtime-fanout.service';

/**
 * Subscribes this instance to the Redis hotline event channel (what call-control publishes) and hands each
 * valid event to the fan-out. Subscribed before the app starts listening, so no client can connect and
 * then miss an event that was published after its snapshot.
 */
@Injectable()
export class HotlineEventRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HotlineEventRelay.name);
  private subscriber: Redis | null = null;
  private readonly resubscribedListeners: (() => void)[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly fanout: RealtimeFanout, private readonly acd: AcdStateStore) {}

  /** Called after a Redis reconnect: events published meanwhile were lost, so clients need a fresh snapshot. */
  onResubscribed(listener: () => void): void {
    this.resubscribedListeners.push(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    const subscriber = createRedisClient(this.config.REDIS_URL, 'RealtimeEventSubscriber');
    this.subscriber = subscriber;
    let subscribedOnce = false;
    subscriber.on('ready', () => {
      if (!subscribedOnce) return;
      this.logger.warn('Redis subscriber reconnected; sending fresh snapshots');
      for (const listener of this.resubscribedListeners) listener();
    });
    subscriber.on('message', (channel: string, raw: string) => {
      try {
        const event = parseHotlineEvent(raw);
        this.acd.apply(event);
        this.fanout.hotlineEvent(event);
      } catch (error) {
        // One bad publisher must not cut every browser off: skip the event, keep relaying.
        this.logger.warn(`Skipped an event on ${channel}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    await subscriber.subscribe(hotlineEventChannel(this.config.REDIS_PREFIX));
    subscribedOnce = true;
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (!subscriber) return;
    await subscriber.quit().then(
      () => undefined,
      (error: unknown) => {
        this.logger.warn(`Could not close the event subscriber cleanly: ${error instanceof Error ? error.message : String(error)}`);
        subscriber.disconnect();
      },
    );
  }
}
