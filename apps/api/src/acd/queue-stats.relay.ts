import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AcdAdminRepository } from '@hotline/acd';
import { CLOCK, Clock } from '@hotline/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { HotlineEvent, hotlineEventChannel, HOTLINE_EVENT_VERSION, parseHotlineEvent, QueueStatsPayload } from '@hotline/realtime';
import { createRedisClient, REDIS_CLIENT, RedisEventPublisher } from '@hotline/redis';
import { CallControlClient } from '../call-control/call-control.client';

/** Events after which a queue's figures (waiting, longest wait, EWT, ready agents, today's counts) change. */
const SKILL_EVENTS = new Set(['call.queued', 'call.offered', 'call.connected', 'call.abandoned', 'call.overflowed', 'call.ended']);
/** Several events of one call arrive within milliseconds: one refresh for the burst. */
const DEBOUNCE_MS = 200;

/**
 * Keeps the wallboards' queue figures current by push: when call-control reports something that changes a
 * queue, asks it for that queue's stats (the `queue.stats` command) and publishes them as a `queue.stats`
 * event, which every api instance folds into its snapshot and fans out to supervisors. call-control only
 * answers stats on request, so without this the wallboard would never see them. With several api instances,
 * a short Redis lock per queue lets one of them do the refresh.
 */
@Injectable()
export class QueueStatsRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueStatsRelay.name);
  private subscriber: Redis | null = null;
  private readonly pending = new Set<string>();
  private allPending = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly publisher: RedisEventPublisher,
    private readonly callControl: CallControlClient,
    private readonly repository: AcdAdminRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const subscriber = createRedisClient(this.config.REDIS_URL, 'QueueStatsRelay');
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, raw: string) => {
      try {
        this.noticed(parseHotlineEvent(raw));
      } catch (error) {
        this.logger.warn(`Skipped an event: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    await subscriber.subscribe(hotlineEventChannel(this.config.REDIS_PREFIX));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.refreshing;
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber) await subscriber.quit();
  }

  /** Which queues an event touches; an agent's state change touches every queue the agent serves (all, here). */
  noticed(event: HotlineEvent): void {
    const payload = event.payload as { skill?: unknown; fromSkill?: unknown; toSkill?: unknown };
    if (event.type === 'agent.state-changed') this.allPending = true;
    else if (SKILL_EVENTS.has(event.type)) {
      for (const skill of [payload.skill, payload.fromSkill, payload.toSkill]) if (typeof skill === 'string') this.pending.add(skill);
      // call.ended carries no skill: the caller may have left a queue.
      if (event.type === 'call.ended') this.allPending = true;
    } else return;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.refreshing = this.refreshing.then(() => this.refresh());
    }, DEBOUNCE_MS);
  }

  private async refresh(): Promise<void> {
    const skills = this.allPending ? ((await this.repository.queues()) as { skill: string }[]).map((queue) => queue.skill) : [...this.pending];
    this.pending.clear();
    this.allPending = false;
    for (const skill of skills) {
      try {
        const lock = await this.redis.set(`${this.config.REDIS_PREFIX}:queue-stats-relay:${skill}`, '1', 'PX', DEBOUNCE_MS, 'NX');
        if (lock !== 'OK') continue;
        const stats = (await this.callControl.send('queue.stats', { skill, requestedBy: 'queue-stats-relay' })) as unknown as QueueStatsPayload;
        await this.publisher.publish(this.statsEvent(stats));
      } catch (error) {
        // The next queue event retries; a wallboard shows the last figures meanwhile.
        this.logger.warn(`Queue stats for ${skill} not refreshed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private statsEvent(stats: QueueStatsPayload): HotlineEvent<'queue.stats'> {
    const payload: QueueStatsPayload = {
      skill: stats.skill,
      waiting: stats.waiting,
      staffed: stats.staffed,
      ready: stats.ready,
      handleTimeSeconds: stats.handleTimeSeconds,
      answered: stats.answered,
      answeredWithinThreshold: stats.answeredWithinThreshold,
      abandoned: stats.abandoned,
      serviceLevel: stats.serviceLevel,
      longestWaitSeconds: stats.longestWaitSeconds,
      estimatedWaitSeconds: stats.estimatedWaitSeconds,
    };
    return { id: randomUUID(), type: 'queue.stats', version: HOTLINE_EVENT_VERSION, occurredAt: this.clock.now().toISOString(), payload };
  }
}
