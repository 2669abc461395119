import type Redis from 'ioredis';

export interface RedisScript {
  numberOfKeys: number;
  lua: string;
}

/** A client with Lua scripts registered as commands under the given names. */
export type ScriptedRedis<N extends string> = Redis & Record<N, (...args: Array<string | number>) => Promise<unknown>>;

/**
 * Registers Lua scripts as commands on a (shared) client: ioredis sends a script once and then runs it by its
 * SHA (EVALSHA), loading it again by itself if Redis lost it. A name the client already has is left alone, so
 * several services built on one client each register theirs without clashing.
 */
export function defineRedisScripts<N extends string>(redis: Redis, scripts: Record<N, RedisScript>): ScriptedRedis<N> {
  for (const [name, script] of Object.entries<RedisScript>(scripts)) if (!(name in redis)) redis.defineCommand(name, script);
  return redis as ScriptedRedis<N>;
}
