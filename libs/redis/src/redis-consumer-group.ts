import type Redis from 'ioredis';

/**
 * Creates a stream's consumer group (and the stream) unless it exists. From the stream's start: entries added
 * before the first consumer ever ran wait for it.
 */
export async function ensureConsumerGroup(redis: Redis, stream: string, group: string): Promise<void> {
  try {
    await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
  } catch (error) {
    if (!/BUSYGROUP/.test((error as Error).message)) throw error;
  }
}

/** Redis answered NOGROUP: it restarted empty (live state only, no disk), so the group must be created again. */
export function isMissingConsumerGroup(error: unknown): boolean {
  return error instanceof Error && /NOGROUP/.test(error.message);
}
