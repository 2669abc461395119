/**
 * The ACD's atomic decisions on the real Redis, under concurrency: many matchers (as many call-control
 * processes would run) race over the same queues and agents; every call goes to exactly one agent and no
 * agent is offered two calls. Plus priority classes, longest idle, skill levels, RONA keeping the place.
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { AppConfig } from '@hotline/config';
import { AcdStateStore } from '../../apps/call-control/src/acd/acd-state.store';
import { testEnvironment } from '../support/test-environment';

describe('ACD state in Redis (Lua, real Redis)', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const clients: Redis[] = [];
  const store = () => {
    const redis = new Redis(testEnvironment.TEST_REDIS_URL);
    clients.push(redis);
    return new AcdStateStore(redis, { REDIS_PREFIX: prefix } as AppConfig);
  };
  let now = 1_800_000_000_000;
  const tick = () => (now += 10);

  afterAll(async () => {
    const redis = clients[0] ?? new Redis(testEnvironment.TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    for (const client of clients) client.disconnect();
  });

  const entry = (id: string, skill: string, priority: number, enqueuedAt: number) => ({
    id,
    kind: 'live' as const,
    callId: id,
    channelId: `chan-${id}`,
    callerNumber: '13800000000',
    skill,
    originSkill: skill,
    priority,
    enqueuedAt,
    callbackId: '',
  });

  it('gives each call to exactly one agent and each agent one call, with 8 matchers racing', async () => {
    const a = store();
    const agents = Array.from({ length: 30 }, (_, i) => `agent-${i}`);
    for (const agent of agents) {
      await a.login(agent, `seat-${agent}`, { race: 3 }, agent, tick());
      await a.setState(agent, 'ready', '', tick());
    }
    for (let i = 0; i < 50; i += 1) await a.enqueue(entry(`call-${i}`, 'race', 0, tick()));

    const matchers = Array.from({ length: 8 }, () => store());
    const pairs = (
      await Promise.all(
        matchers.map(async (matcher) => {
          const won: Array<{ entryId: string; agentId: string }> = [];
          for (;;) {
            const pair = await matcher.match(['race'], { race: 1 }, now);
            if (!pair) return won;
            won.push(pair);
          }
        }),
      )
    ).flat();

    expect(pairs).toHaveLength(30);
    expect(new Set(pairs.map((pair) => pair.agentId)).size).toBe(30);
    expect(new Set(pairs.map((pair) => pair.entryId)).size).toBe(30);
    // The 30 oldest calls were served; the other 20 still wait, in order.
    expect(new Set(pairs.map((pair) => pair.entryId))).toEqual(new Set(Array.from({ length: 30 }, (_, i) => `call-${i}`)));
    const waiting = (await a.queue('race')).filter((queued) => queued.state === 'waiting').map((queued) => queued.id);
    expect(waiting).toEqual(Array.from({ length: 20 }, (_, i) => `call-${30 + i}`));
    for (const agent of agents) expect((await a.agent(agent))?.state).toBe('ringing');
  });

  it('serves a higher priority class first, then arrival; picks the longest-idle agent with the skill level', async () => {
    const s = store();
    await s.login('junior', 'seat-j', { prio: 1 }, 'junior', tick());
    await s.login('senior-late', 'seat-s2', { prio: 5 }, 'senior-late', tick());
    await s.login('senior-early', 'seat-s1', { prio: 5 }, 'senior-early', tick());
    await s.setState('junior', 'ready', '', tick());
    await s.setState('senior-early', 'ready', '', tick());
    await s.setState('senior-late', 'ready', '', tick());
    // Each caller learns its place and how many agents are ready for the skill, in the same step.
    expect(await s.enqueue(entry('normal-1', 'prio', 0, tick()))).toEqual({ position: 1, readyAgents: 3 });
    expect(await s.enqueue(entry('normal-2', 'prio', 0, tick()))).toEqual({ position: 2, readyAgents: 3 });
    expect(await s.enqueue(entry('elderly', 'prio', 50, tick()))).toEqual({ position: 1, readyAgents: 3 });

    // Level 3 required: the junior (level 1), although idle longest, is skipped.
    const first = await s.match(['prio'], { prio: 3 }, tick());
    // `more`: callers were still waiting behind, so the matcher asks again.
    expect(first).toEqual({ entryId: 'elderly', agentId: 'senior-early', skill: 'prio', more: true });
    const second = await s.match(['prio'], { prio: 3 }, tick());
    expect(second).toEqual({ entryId: 'normal-1', agentId: 'senior-late', skill: 'prio', more: true });
    expect(await s.match(['prio'], { prio: 3 }, tick())).toBeNull();

    // The last caller waiting: nothing more to ask for (one round trip per call, not two).
    await s.login('solo', 'seat-solo', { lone: 1 }, 'solo', tick());
    await s.setState('solo', 'ready', '', tick());
    await s.enqueue(entry('only', 'lone', 0, tick()));
    expect(await s.match(['lone'], { lone: 1 }, tick())).toEqual({ entryId: 'only', agentId: 'solo', skill: 'lone', more: false });
  });

  it('RONA puts the caller back in the same place and the agent to not ready; a lost offer keeps the agent idle time', async () => {
    const s = store();
    await s.login('r1', 'seat-r1', { rona: 1 }, 'r1', tick());
    await s.login('r2', 'seat-r2', { rona: 1 }, 'r2', tick());
    await s.setState('r1', 'ready', '', tick());
    await s.setState('r2', 'ready', '', tick());
    await s.enqueue(entry('x1', 'rona', 0, tick()));
    await s.enqueue(entry('x2', 'rona', 0, tick()));
    const offer = await s.match(['rona'], { rona: 1 }, tick());
    expect(offer).toMatchObject({ entryId: 'x1', agentId: 'r1' });
    expect(await s.releaseOffer('x1', 'r1', 'rona', tick())).toBe(true);
    expect(await s.agent('r1')).toMatchObject({ state: 'not_ready', reason: 'rona' });
    expect(await s.match(['rona'], { rona: 1 }, tick())).toMatchObject({ entryId: 'x1', agentId: 'r2' });
    // A late answer from the agent who timed out is stale: the call is no longer theirs.
    expect(await s.connect('x1', 'r1', tick())).toBeNull();
    expect(await s.connect('x1', 'r2', tick())).toMatchObject({ entry: { id: 'x1', state: 'connected', agentId: 'r2' }, agent: { id: 'r2', state: 'on_call' } });
    expect((await s.queue('rona')).map((queued) => queued.id)).toEqual(['x2']);
  });

  it('an abandoned caller ringing an agent frees the agent, who keeps their idle time', async () => {
    const s = store();
    await s.login('q1', 'seat-q1', { gone: 1 }, 'q1', tick());
    await s.setState('q1', 'ready', '', tick());
    const readySince = (await s.agent('q1'))!.readySince;
    await s.enqueue(entry('g1', 'gone', 0, tick()));
    await s.match(['gone'], { gone: 1 }, tick());
    const removed = await s.removeEntry('g1', tick());
    expect(removed).toMatchObject({ id: 'g1', state: 'offered', agentId: 'q1' });
    expect(await s.agent('q1')).toMatchObject({ state: 'ready', readySince });
  });

  it('records the agent leg of a standing offer with the entry and agent in one step, and refuses a withdrawn one', async () => {
    const s = store();
    await s.login('l1', 'seat-l1', { leg: 1 }, 'l1', tick());
    await s.setState('l1', 'ready', '', tick());
    await s.enqueue(entry('e1', 'leg', 0, tick()));
    await s.match(['leg'], { leg: 1 }, tick());
    expect(await s.recordOfferLeg('e1', 'l1', 'acd-leg-1')).toMatchObject({
      recorded: true,
      entry: { id: 'e1', state: 'offered', agentId: 'l1', agentChannelId: 'acd-leg-1' },
      agent: { id: 'l1', state: 'ringing', seat: 'seat-l1', agentChannelId: 'acd-leg-1' },
    });
    // Another agent's leg is not recorded on this offer.
    expect(await s.recordOfferLeg('e1', 'other', 'acd-leg-2')).toMatchObject({ recorded: false, agent: null });
    // The caller left before the agent was rung: nothing to record, the entry is gone.
    await s.removeEntry('e1', tick());
    expect(await s.recordOfferLeg('e1', 'l1', 'acd-leg-3')).toEqual({ recorded: false, entry: null, agent: expect.objectContaining({ id: 'l1', state: 'ready' }) });
  });

  it('reads an entry with the agent it names in one step: none while it waits, the agent once connected, null when gone', async () => {
    const s = store();
    await s.login('w1', 'seat-w1', { both: 1 }, 'w1', tick());
    await s.enqueue(entry('b1', 'both', 0, tick()));
    expect(await s.entryWithAgent('b1')).toEqual({ entry: expect.objectContaining({ id: 'b1', state: 'waiting' }), agent: null });
    await s.setState('w1', 'ready', '', tick());
    await s.match(['both'], { both: 1 }, tick());
    await s.connect('b1', 'w1', tick());
    expect(await s.entryWithAgent('b1')).toMatchObject({ entry: { id: 'b1', state: 'connected', agentId: 'w1' }, agent: { id: 'w1', state: 'on_call', seat: 'seat-w1' } });
    expect(await s.entryWithAgent('no-such-entry')).toBeNull();
  });

  it('keeps a rolling handle time per skill, weighted to recent calls, from two processes at once', async () => {
    const [a, b] = [store(), store()];
    expect(await a.handleTime('rolling')).toBeNull();
    await a.recordHandleTime('rolling', 100);
    expect(await b.handleTime('rolling')).toBe(100);
    await b.recordHandleTime('rolling', 200);
    expect(await a.handleTime('rolling')).toBe(120);
    // Read and write are one step: two processes recording at once both count.
    await Promise.all([a.recordHandleTime('rolling', 300), b.recordHandleTime('rolling', 300)]);
    expect(await a.handleTime('rolling')).toBe(Number((120 * 0.8 * 0.8 + 300 * 0.2 * 0.8 + 300 * 0.2).toFixed(1)));
  });
});
