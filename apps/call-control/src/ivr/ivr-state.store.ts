import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { REDIS_CLIENT } from '@hotline/redis';

/** Where a call is in its IVR flow: enough for a restarted call-control to carry on from the same node. */
export interface IvrPosition {
  flow: string;
  version: number;
  node: string;
  vars: Record<string, string>;
  tags: Record<string, string>;
}

/** Long enough for any IVR stay; the key is deleted when the call leaves the IVR anyway. */
const TTL_SECONDS = 4 * 3600;

/**
 * Saving and clearing hand the command over without waiting for Redis's reply: it is queued on the one
 * connection in call order and leaves with the next commands of the call in one write. A crash can lose only
 * what has not left yet, as it could while waiting; a restarted process then resumes one node earlier.
 */
@Injectable()
export class IvrStateStore {
  private readonly logger = new Logger(IvrStateStore.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  save(callId: string, position: IvrPosition): Promise<void> {
    this.redis.set(this.key(callId), JSON.stringify(position), 'EX', TTL_SECONDS).catch((error: Error) => this.logger.error(`Saving the IVR position of call ${callId} failed: ${error.message}`));
    return Promise.resolve();
  }

  async load(callId: string): Promise<IvrPosition | null> {
    const raw = await this.redis.get(this.key(callId));
    return raw ? (JSON.parse(raw) as IvrPosition) : null;
  }

  clear(callId: string): Promise<void> {
    this.redis.del(this.key(callId)).catch((error: Error) => this.logger.error(`Clearing the IVR position of call ${callId} failed: ${error.message}`));
    return Promise.resolve();
  }

  private key(callId: string): string {
    return `${this.config.REDIS_PREFIX}:ivr:${callId}`;
  }
}
