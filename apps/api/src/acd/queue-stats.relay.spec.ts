import type Redis from 'ioredis';
import type { AcdAdminRepository } from '@hotline/acd';
import type { Clock } from '@hotline/common';
import type { AppConfig } from '@hotline/config';
import type { HotlineEvent, QueueStatsPayload } from '@hotline/realtime';
import type { RedisEventPublisher } from '@hotline/redis';
import type { CallControlClient } from '../call-control/call-control.client';
import { QueueStatsRelay } from './queue-stats.relay';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const event = (type: string, payload: Record<string, unknown>) => ({ id: type, type, version: 1, occurredAt: '2026-12-01T02:00:00.000Z', payload }) as unknown as HotlineEvent;

function relay(options: { locked?: string[] } = {}) {
  const asked: string[] = [];
  const published: HotlineEvent[] = [];
  const redis = { set: async (key: string) => (options.locked?.some((skill) => key.endsWith(`:${skill}`)) ? null : 'OK') } as unknown as Redis;
  const publisher = { publish: async (published_: HotlineEvent) => void published.push(published_) } as unknown as RedisEventPublisher;
  const callControl = {
    send: async (_type: string, payload: { skill: string }) => {
      asked.push(payload.skill);
      const stats: QueueStatsPayload & { offered: number } = {
        skill: payload.skill,
        waiting: 2,
        staffed: 3,
        ready: 0,
        handleTimeSeconds: 150,
        answered: 8,
        answeredWithinThreshold: 6,
        abandoned: 2,
        serviceLevel: 0.6,
        longestWaitSeconds: 42,
        estimatedWaitSeconds: 75,
        offered: 10,
      };
      return stats as unknown as Record<string, unknown>;
    },
  } as unknown as CallControlClient;
  const repository = { queues: async () => [{ skill: 'general' }, { skill: 'market' }] } as unknown as AcdAdminRepository;
  const clock: Clock = { now: () => new Date('2026-12-01T02:00:01.000Z') };
  const instance = new QueueStatsRelay({ REDIS_PREFIX: 't', REDIS_URL: 'redis://unused' } as AppConfig, redis, publisher, callControl, repository, clock);
  return { instance, asked, published };
}

describe('QueueStatsRelay: queue figures pushed after queue events', () => {
  it('asks once per burst for the queues the events touch, and publishes their stats as queue.stats', async () => {
    const { instance, asked, published } = relay();
    instance.noticed(event('call.queued', { callId: 'c1', skill: 'general' }));
    instance.noticed(event('call.connected', { callId: 'c1', skill: 'general' }));
    instance.noticed(event('call.dtmf', { callId: 'c1', digit: '1' }));
    await sleep(350);
    expect(asked).toEqual(['general']);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      type: 'queue.stats',
      occurredAt: '2026-12-01T02:00:01.000Z',
      payload: { skill: 'general', waiting: 2, longestWaitSeconds: 42, estimatedWaitSeconds: 75, serviceLevel: 0.6 },
    });
    // Only the contract's fields travel (offered, answerRate… stay with the HTTP answer).
    expect(published[0]!.payload).not.toHaveProperty('offered');
  });

  it('refreshes every queue after an agent state change, and ignores its own queue.stats events', async () => {
    const { instance, asked } = relay();
    instance.noticed(event('queue.stats', { skill: 'general' }));
    await sleep(250);
    expect(asked).toEqual([]);
    instance.noticed(event('agent.state-changed', { agentId: 'a1', state: 'ready' }));
    await sleep(350);
    expect(asked.sort()).toEqual(['general', 'market']);
  });

  it('leaves a queue to the api instance that holds its lock', async () => {
    const { instance, asked, published } = relay({ locked: ['general'] });
    instance.noticed(event('call.overflowed', { callId: 'c2', fromSkill: 'general', toSkill: 'market' }));
    await sleep(350);
    expect(asked).toEqual(['market']);
    expect(published.map((stats) => (stats.payload as QueueStatsPayload).skill)).toEqual(['market']);
  });
});
