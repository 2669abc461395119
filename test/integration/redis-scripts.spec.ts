/**
 * Lua scripts on the real Redis, run the way the ACD and the timeline writer run them: by SHA, with the source
 * sent only when Redis does not have it, on an auto-pipelining client.
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { defineRedisScripts } from '@hotline/redis';
import { testEnvironment } from '../support/test-environment';

describe('Redis scripts (real Redis)', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const redis = new Redis(testEnvironment.TEST_REDIS_URL, { enableAutoPipelining: true });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  // A comment unique to this run: Redis has never seen the script, so the first run must load it.
  const unique = `-- ${prefix}\n`;
  const scripts = defineRedisScripts(redis, {
    append: { numberOfKeys: 1, lua: `${unique}return redis.call('rpush', KEYS[1], ARGV[1])` },
    refuse: { numberOfKeys: 0, lua: `${unique}return redis.error_reply('ACD_REFUSED ' .. ARGV[1])` },
  });

  it('loads a script Redis does not have, then runs it by its SHA, keys before arguments', async () => {
    const evals = jest.spyOn(redis, 'eval');
    const evalshas = jest.spyOn(redis, 'evalsha');
    expect(await scripts.append(`${prefix}:list`, 'a')).toBe(1);
    expect(await scripts.append(`${prefix}:list`, 'b')).toBe(2);
    expect(evals).toHaveBeenCalledTimes(1);
    expect(evalshas).toHaveBeenCalledTimes(2);
    expect(await redis.lrange(`${prefix}:list`, 0, -1)).toEqual(['a', 'b']);
    evals.mockRestore();
    evalshas.mockRestore();
  });

  it('runs each script exactly once per call when many share one pipelined write', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => scripts.append(`${prefix}:many`, String(i))));
    expect(results.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await redis.lrange(`${prefix}:many`, 0, -1)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
  });

  it("passes a script's own error on, with its message", async () => {
    await expect(scripts.refuse('busy')).rejects.toThrow('ACD_REFUSED busy');
    // Refused again once loaded (by SHA this time), not turned into another error.
    await expect(scripts.refuse('again')).rejects.toThrow('ACD_REFUSED again');
  });
});
