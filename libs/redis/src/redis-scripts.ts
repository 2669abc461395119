import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

export interface RedisScript {
  numberOfKeys: number;
  lua: string;
}

/** Runs one script with its keys, then its arguments. */
export type RedisScriptRunner = (...keysThenArgs: Array<string | number>) => Promise<unknown>;

export type RedisScripts<N extends string> = Record<N, RedisScriptRunner>;

/**
 * Lua scripts run by their SHA (EVALSHA); the source goes over the wire (EVAL, which also loads it) only when
 * Redis answers NOSCRIPT: the first run, or after Redis restarted or flushed its scripts. Refusing to run is
 * all NOSCRIPT means, so sending the script again never runs it twice.
 *
 * Not ioredis' defineCommand: every pipeline ioredis builds (one per event-loop turn with auto-pipelining)
 * copies each defined command onto itself, a cost on every turn that grows with the number of scripts.
 */
export function defineRedisScripts<N extends string>(redis: Redis, scripts: Record<N, RedisScript>): RedisScripts<N> {
  const runners: Partial<RedisScripts<N>> = {};
  for (const [name, { numberOfKeys, lua }] of Object.entries<RedisScript>(scripts)) {
    const sha = createHash('sha1').update(lua).digest('hex');
    runners[name as N] = async (...keysThenArgs) => {
      try {
        return await redis.evalsha(sha, numberOfKeys, ...keysThenArgs);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return redis.eval(lua, numberOfKeys, ...keysThenArgs);
      }
    };
  }
  return runners as RedisScripts<N>;
}
