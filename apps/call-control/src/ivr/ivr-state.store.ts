import { Inject, Injectable } from '@nestjs/common';
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

@Injectable()
export class IvrStateStore {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async save(callId: string, position: IvrPosition): Promise<void> {
    await this.redis.set(this.key(callId), JSON.stringify(position), 'EX', TTL_SECONDS);
  }

  async load(callId: string): Promise<IvrPosition | null> {
    const raw = await this.redis.get(this.key(callId));
    return raw ? (JSON.parse(raw) as IvrPosition) : null;
  }

  async clear(callId: string): Promise<void> {
    await this.redis.del(this.key(callId));
  }

  private key(callId: string): string {
    return `${this.config.REDIS_PREFIX}:ivr:${callId}`;
  }
}
