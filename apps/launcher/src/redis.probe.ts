import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { LauncherError, LauncherErrorCode } from './launcher.errors';

/** Redis is not provisioned: it is a system service; say exactly how to get one. */
export async function checkRedis(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // ioredis also emits connection failures as events; the rejected connect() below reports them with instructions.
  client.on('error', (error: Error) => new Logger('RedisProbe').debug(error.message));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new LauncherError(
      LauncherErrorCode.RedisUnreachable,
      `Redis is not reachable at ${url} (${(error as Error).message}).\n` +
        `  Start one:  apt-get install -y redis-server && redis-server --daemonize yes --bind 127.0.0.1 --save ""\n` +
        `  or point REDIS_URL at an existing server, e.g. REDIS_URL=redis://host:6379 npm start`,
    );
  } finally {
    client.disconnect();
  }
}
