import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { isDomainError } from '@hotline/common';
import {
  HotlineCommand,
  HotlineCommandFailure,
  HotlineCommandResult,
  hotlineCommandChannel,
  hotlineCommandResultChannel,
  InvalidHotlineCommandError,
  parseHotlineCommand,
} from '@hotline/realtime';
import { createRedisClient } from './redis.module';
import { REDIS_CLIENT } from './redis.tokens';

/**
 * Handles one command. Returns the result to send back, or null when this process is not the one to answer
 * (another call-control node owns the call): then it stays silent.
 */
export type HotlineCommandHandler = (command: HotlineCommand) => Promise<Record<string, unknown> | null>;

const KIND: Record<string, HotlineCommandFailure['kind']> = {
  invalid: 'invalid',
  not_found: 'not_found',
  conflict: 'conflict',
  forbidden: 'forbidden',
  unavailable: 'unavailable',
};

/** The receiving side of the command interface (call-control): validates each command and answers it. */
@Injectable()
export class RedisCommandListener implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisCommandListener.name);
  private subscriber: Redis | null = null;

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async listen(handler: HotlineCommandHandler): Promise<void> {
    const subscriber = createRedisClient(this.config.REDIS_URL, 'RedisCommandListener');
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, raw: string) => void this.handle(raw, handler));
    await subscriber.subscribe(hotlineCommandChannel(this.config.REDIS_PREFIX));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch((error: Error) => this.logger.warn(`Closing the command subscriber: ${error.message}`));
  }

  private async handle(raw: string, handler: HotlineCommandHandler): Promise<void> {
    let command: HotlineCommand;
    try {
      command = parseHotlineCommand(raw);
    } catch (error) {
      const commandId = error instanceof InvalidHotlineCommandError ? error.commandId : null;
      this.logger.warn(`Refused a command: ${(error as Error).message}`);
      if (commandId) await this.reply({ commandId, ok: false, error: { code: 'INVALID_COMMAND', message: (error as Error).message, kind: 'invalid' } });
      return;
    }
    let result: HotlineCommandResult;
    try {
      const value = await handler(command);
      if (value === null) return;
      result = { commandId: command.id, ok: true, result: value };
    } catch (error) {
      if (isDomainError(error)) {
        result = { commandId: command.id, ok: false, error: { code: error.code, message: error.message, kind: KIND[error.kind] ?? 'conflict' } };
      } else {
        this.logger.error(`Command ${command.type} (${command.id}) failed: ${(error as Error).message}`, (error as Error).stack);
        result = { commandId: command.id, ok: false, error: { code: 'COMMAND_FAILED', message: (error as Error).message, kind: 'unavailable' } };
      }
    }
    await this.reply(result);
  }

  private async reply(result: HotlineCommandResult): Promise<void> {
    try {
      await this.redis.publish(hotlineCommandResultChannel(this.config.REDIS_PREFIX), JSON.stringify(result));
    } catch (error) {
      this.logger.error(`Could not publish the result of command ${result.commandId}: ${(error as Error).message}`);
    }
  }
}
