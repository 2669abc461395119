import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import {
  HOTLINE_COMMAND_VERSION,
  HotlineCommand,
  HotlineCommandPayloads,
  HotlineCommandResult,
  HotlineCommandType,
  hotlineCommandChannel,
  hotlineCommandResultChannel,
  parseHotlineCommandResult,
} from '@hotline/realtime';
import { createRedisClient } from './redis.module';
import { REDIS_CLIENT } from './redis.tokens';

/** No call-control process is subscribed, or none answered in time: the command may not have been applied. */
export class CommandNotDeliveredError extends Error {
  constructor(readonly commandType: HotlineCommandType, readonly reason: 'no-listener' | 'timeout') {
    super(reason === 'no-listener' ? `No call-control is listening for ${commandType}` : `call-control did not answer ${commandType} in time`);
    this.name = 'CommandNotDeliveredError';
  }
}

interface Pending {
  resolve(result: HotlineCommandResult): void;
  timer: NodeJS.Timeout;
}

/**
 * The sending side of the command interface (the api): publishes a typed command and waits for the
 * result call-control publishes back with the same id. One subscriber connection serves all requests.
 */
@Injectable()
export class RedisCommandBus implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisCommandBus.name);
  private readonly pending = new Map<string, Pending>();
  private subscriber: Redis | null = null;
  private subscribed: Promise<void> | null = null;

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async send<T extends HotlineCommandType>(type: T, payload: HotlineCommandPayloads[T], timeoutMs = 5_000): Promise<HotlineCommandResult> {
    await this.ensureSubscribed();
    const command: HotlineCommand<T> = { id: randomUUID(), type, version: HOTLINE_COMMAND_VERSION, issuedAt: new Date().toISOString(), payload };
    const result = new Promise<HotlineCommandResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(command.id);
        reject(new CommandNotDeliveredError(type, 'timeout'));
      }, timeoutMs);
      this.pending.set(command.id, { resolve, timer });
    });
    const listeners = await this.redis.publish(hotlineCommandChannel(this.config.REDIS_PREFIX), JSON.stringify(command));
    if (listeners === 0) {
      const entry = this.pending.get(command.id);
      if (entry) clearTimeout(entry.timer);
      this.pending.delete(command.id);
      result.catch(() => undefined);
      throw new CommandNotDeliveredError(type, 'no-listener');
    }
    return result;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
    await this.subscriber?.quit().catch((error: Error) => this.logger.warn(`Closing the command result subscriber: ${error.message}`));
  }

  private ensureSubscribed(): Promise<void> {
    if (this.subscribed) return this.subscribed;
    const subscriber = createRedisClient(this.config.REDIS_URL, 'RedisCommandResults');
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, raw: string) => {
      try {
        const result = parseHotlineCommandResult(raw);
        const entry = this.pending.get(result.commandId);
        if (!entry) return; // another api instance's command, or one that already timed out
        clearTimeout(entry.timer);
        this.pending.delete(result.commandId);
        entry.resolve(result);
      } catch (error) {
        this.logger.warn(`Skipped a malformed command result: ${(error as Error).message}`);
      }
    });
    this.subscribed = subscriber.subscribe(hotlineCommandResultChannel(this.config.REDIS_PREFIX)).then(() => undefined);
    this.subscribed.catch(() => (this.subscribed = null));
    return this.subscribed;
  }
}
