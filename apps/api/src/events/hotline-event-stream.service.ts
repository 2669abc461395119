import { BeforeApplicationShutdown, Inject, Injectable, Logger, MessageEvent, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { BehaviorSubject, EMPTY, Observable, Subject, filter, interval, map, merge, share, take, takeUntil } from 'rxjs';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { LIVE_STREAM_READY_EVENT, LiveStreamReadyDto } from '@hotline/contracts';
import { CallerNumberVisibility, HotlineEvent, hotlineEventChannel, isSupervisorOnlyEvent, parseHotlineEvent } from '@hotline/realtime';
import { createRedisClient } from '@hotline/redis';
import { maskCallerNumber } from '../realtime/caller-number.mask';

// Below the idle timeouts of common proxies (nginx: 60 s), so a quiet stream is not cut.
const HEARTBEAT_MS = 25_000;

/** What one listener may see. */
export interface EventStreamViewer {
  callerNumbers: CallerNumberVisibility;
  supervision: boolean;
}

/**
 * Relays the Redis event channel to Server-Sent Events clients. One subscriber connection serves every
 * client of this process: it opens with the first client and closes with the last (or at shutdown).
 */
@Injectable()
export class HotlineEventStream implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(HotlineEventStream.name);
  private readonly channel: string;
  private readonly subscribed$ = new BehaviorSubject(false);
  /** The subscriber reconnected to Redis: whatever was published meanwhile never reached the clients. */
  private readonly resubscribed$ = new Subject<void>();
  private readonly shutdown$ = new Subject<void>();
  private readonly events$: Observable<HotlineEvent>;
  private closed = false;
  private closing: Promise<void> = Promise.resolve();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.channel = hotlineEventChannel(config.REDIS_PREFIX);
    this.events$ = new Observable<HotlineEvent>((subscriber) => {
      const connection = createRedisClient(this.config.REDIS_URL, 'RedisEventSubscriber');
      let open = true;
      let subscribedOnce = false;
      // ioredis re-subscribes by itself after a reconnect; clients are told so they can re-read the record.
      connection.on('ready', () => open && subscribedOnce && this.resubscribed$.next());
      connection.on('message', (channel: string, raw: string) => {
        try {
          subscriber.next(parseHotlineEvent(raw));
        } catch (error) {
          // One bad publisher must not cut every browser off: skip the event, keep the stream.
          this.logger.warn(`Skipped an event on ${channel}: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
      connection.subscribe(this.channel).then(
        // The last client may have left while SUBSCRIBE was in flight; a closed connection is not "ready".
        () => {
          subscribedOnce = true;
          if (open) this.subscribed$.next(true);
        },
        (error: unknown) => subscriber.error(error),
      );
      return () => {
        open = false;
        this.release(connection);
      };
    }).pipe(share());
  }

  /**
   * One client's stream: a `ready` event once the channel is subscribed (anything published from then on
   * will arrive) and again after a Redis reconnect, then every valid hotline event, plus heartbeat comments.
   * Ends when the app shuts down. Caller numbers are masked unless the listener's role talks to callers, and
   * supervision events reach only those who watch the floor.
   */
  stream(viewer: EventStreamViewer): Observable<MessageEvent> {
    if (this.closed) return EMPTY;
    const readyEvent = (): MessageEvent => ({ type: LIVE_STREAM_READY_EVENT, data: { since: new Date().toISOString() } satisfies LiveStreamReadyDto });
    const ready = merge(this.subscribed$.pipe(filter(Boolean), take(1)), this.resubscribed$).pipe(map(readyEvent));
    const events = this.events$.pipe(
      filter((event) => viewer.supervision || !isSupervisorOnlyEvent(event)),
      map((event): MessageEvent => ({ id: event.id, data: withCallerNumber(event, viewer.callerNumbers) })),
    );
    const heartbeat = interval(HEARTBEAT_MS).pipe(map((): MessageEvent => ({ comment: 'heartbeat' })));
    // `ready` is subscribed before `events`, so it cannot miss the moment the first client's subscription lands.
    return merge(ready, events, heartbeat).pipe(takeUntil(this.shutdown$));
  }

  /** Ends every client's stream while the HTTP server can still finish their responses. */
  beforeApplicationShutdown(): void {
    this.closed = true;
    this.shutdown$.next();
    this.shutdown$.complete();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.closing;
  }

  private release(connection: Redis): void {
    this.subscribed$.next(false);
    this.closing = connection.quit().then(
      () => undefined,
      (error: unknown) => {
        this.logger.warn(`Could not close the event subscriber cleanly: ${error instanceof Error ? error.message : String(error)}`);
        connection.disconnect();
      },
    );
  }
}

/** The same masking as /api/calls and the socket.io rooms, so a number looks the same everywhere. */
function withCallerNumber(event: HotlineEvent, visibility: CallerNumberVisibility): HotlineEvent {
  const payload = event.payload as { callerNumber?: unknown };
  if (visibility === 'full' || typeof payload.callerNumber !== 'string') return event;
  return { ...event, payload: { ...payload, callerNumber: maskCallerNumber(payload.callerNumber, visibility) } } as HotlineEvent;
}
