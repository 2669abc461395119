import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { CLOCK, Clock } from '@hotline/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { asteriskAlarmKey, type KeptSystemAlarm, type SystemAlarmView } from '@hotline/realtime';
import { REDIS_CLIENT } from '@hotline/redis';

/**
 * A restart that lost calls is over by the time anyone looks (Asterisk is up again), so the status alone
 * would hide it; staff see it for a day, long enough for the next shift to read it.
 */
export const ALARM_SHOWN_MS = 24 * 60 * 60 * 1000;

/** The alarms call-control kept in Redis, as the health report shows them. */
@Injectable()
export class SystemAlarmReader {
  private readonly logger = new Logger(SystemAlarmReader.name);
  private readonly key: string;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.key = asteriskAlarmKey(config.REDIS_PREFIX);
  }

  /** Recent alarms, newest first; none when Redis cannot say (its own health check reports that). */
  async recent(): Promise<SystemAlarmView[]> {
    let raw: string | null;
    try {
      raw = await this.redis.get(this.key);
    } catch (error) {
      this.logger.warn(`Could not read the kept alarm: ${(error as Error).message}`);
      return [];
    }
    if (!raw) return [];
    let kept: KeptSystemAlarm;
    try {
      kept = JSON.parse(raw) as KeptSystemAlarm;
    } catch (error) {
      this.logger.error(`The kept alarm at ${this.key} is not JSON: ${(error as Error).message}`);
      return [];
    }
    const raisedAt = Date.parse(kept.raisedAt);
    if (!Number.isFinite(raisedAt) || this.clock.now().getTime() - raisedAt > ALARM_SHOWN_MS) return [];
    return [{ alarm: kept.alarm, severity: kept.severity, message: kept.message, raisedAt: kept.raisedAt, lostCalls: kept.lostCallIds?.length ?? 0 }];
  }
}
