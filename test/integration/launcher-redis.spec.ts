import { findFreePorts } from '@hotline/provisioning';
import { checkRedis } from '../../apps/launcher/src/redis.probe';
import { testEnvironment } from '../support/test-environment';

describe('launcher Redis check', () => {
  it('passes against the real server', async () => {
    await expect(checkRedis(testEnvironment.TEST_REDIS_URL)).resolves.toBeUndefined();
  });

  it('stops with a message saying how to get a Redis when none answers', async () => {
    const [closed] = await findFreePorts(1);
    const attempt = checkRedis(`redis://127.0.0.1:${closed}`);
    await expect(attempt).rejects.toThrow(`Redis is not reachable at redis://127.0.0.1:${closed}`);
    await expect(attempt).rejects.toThrow(/apt-get install -y redis-server && redis-server --daemonize yes/);
    await expect(attempt).rejects.toThrow(/REDIS_URL=redis:\/\/host:6379 npm start/);
  });
});
