import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';
import type { Server } from 'socket.io';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { createRedisClient } from '@hotline/redis';

/**
 * Puts the socket.io server on the Redis adapter, so a room spans every api instance: an emit to `unit:X`
 * from one instance reaches that unit's sockets on all of them. Needs its own pub and sub connections (a
 * subscribed connection can do nothing else); keyed by REDIS_PREFIX so deployments sharing a Redis never mix.
 */
@Injectable()
export class RealtimeRedisAdapter implements OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeRedisAdapter.name);
  private connections: Redis[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  attach(server: Server): void {
    const pub = createRedisClient(this.config.REDIS_URL, 'RealtimeAdapterPub');
    const sub = pub.duplicate({ connectionName: 'RealtimeAdapterSub' });
    sub.on('error', (error: Error) => this.logger.warn(`Redis (adapter subscriber): ${error.message}`));
    this.connections = [pub, sub];
    // Setting the adapter after construction re-initialises the namespaces that already exist (the root one).
    server.adapter(createAdapter(pub, sub, { key: `${this.config.REDIS_PREFIX}:socket.io` }));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.connections.map((connection) =>
        connection.quit().then(
          () => undefined,
          (error: unknown) => {
            this.logger.warn(`Could not close an adapter connection cleanly: ${error instanceof Error ? error.message : String(error)}`);
            connection.disconnect();
          },
        ),
      ),
    );
    this.connections = [];
  }
}
