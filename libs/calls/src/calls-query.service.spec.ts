import type { ObjectLiteral, Repository } from 'typeorm';
import type { CallEntity, CallEventEntity } from '@hotline/database';
import { Actor, Role } from '@hotline/org';
import type { CallLinksRepository } from './call-links.repository';
import { CallNotFoundError, CallsForbiddenError, InvalidCallsQueryError } from './calls.errors';
import { CallsQueryService } from './calls-query.service';

const callId = '6f1c2b7e-3d4a-4c5b-9e8f-0a1b2c3d4e5f';

// Built as a partial: columns the read side does not show (e.g. bookkeeping ones) need not be listed.
function call(overrides: Partial<CallEntity> = {}): CallEntity {
  return {
    id: callId,
    channelId: '1732350000.1',
    direction: 'inbound',
    callerNumber: '13800138000',
    dialedNumber: '12345',
    status: 'ended',
    startedAt: new Date('2026-11-23T10:00:00.000Z'),
    answeredAt: new Date('2026-11-23T10:00:05.000Z'),
    endedAt: new Date('2026-11-23T10:01:05.000Z'),
    hangupCause: 16,
    hangupCauseText: 'Normal Clearing',
    createdAt: new Date('2026-11-23T10:00:00.000Z'),
    updatedAt: new Date('2026-11-23T10:01:05.000Z'),
    ...overrides,
  } as CallEntity;
}

function event(sequence: number, type: string, payload: Record<string, unknown> = {}): CallEventEntity {
  return { id: String(sequence), callId, sequence, type, occurredAt: new Date(`2026-11-23T10:00:0${sequence}.000Z`), payload };
}

/** Just enough of TypeORM's Repository for the service; records what it was asked. */
function fakeRepository<T extends ObjectLiteral>(rows: T[]) {
  const find = jest.fn(async () => rows);
  const findOneBy = jest.fn(async () => rows[0] ?? null);
  return { repository: { find, findOneBy } as unknown as Repository<T>, find, findOneBy };
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const actor = (role: Role, userId = 'u-1'): Actor => ({ userId, username: role, roles: [role], unitId: null }) as Actor;
const agent = actor(Role.Agent);

describe('CallsQueryService', () => {
  const setup = (calls: CallEntity[] = [call()], events: CallEventEntity[] = []) => {
    const callRepo = fakeRepository(calls);
    const eventRepo = fakeRepository(events);
    const links = {
      linkedOrders: jest.fn(async () => new Map([[callId, [{ id: 'o-1', number: '2026112300001', status: 'handling', subject: '噪声', linkedAt: '2026-11-23T10:00:06.000Z' }]]])),
      answeringAgents: jest.fn(async () => new Map([[callId, 'agent-07']])),
      callsAnsweredBy: jest.fn(async () => [callId]),
      agentOfUser: jest.fn(async (userId: string) => (userId === 'u-1' ? 'agent-07' : null)),
    };
    return { service: new CallsQueryService(callRepo.repository, eventRepo.repository, links as unknown as CallLinksRepository), callRepo, eventRepo, links };
  };

  describe('listLatest limit', () => {
    it.each([
      [undefined, 20],
      ['', 20],
      ['1', 1],
      ['100', 100],
    ])('accepts %p as %p, newest first', async (raw, expected) => {
      const { service, callRepo } = setup();
      const list = await service.listLatest(agent, raw);
      expect(list.limit).toBe(expected);
      expect(callRepo.find).toHaveBeenCalledWith(expect.objectContaining({ take: expected, order: expect.objectContaining({ startedAt: 'DESC' }) }));
    });

    it.each([
      ['0', 'min', 'must be at least 1'],
      ['101', 'max', 'must be at most 100'],
      ['-5', 'integer', 'must be a whole number'],
      ['2.5', 'integer', 'must be a whole number'],
      ['ten', 'integer', 'must be a whole number'],
      [['5', '6'], 'single', 'must be given once'],
    ])('refuses %p with rule %p before touching the database', async (raw, rule, message) => {
      const { service, callRepo } = setup();
      const error = await rejection(service.listLatest(agent, raw));
      expect(error).toBeInstanceOf(InvalidCallsQueryError);
      expect((error as InvalidCallsQueryError).issues).toEqual([{ field: 'limit', rule, message }]);
      expect(callRepo.find).not.toHaveBeenCalled();
    });
  });

  it('maps calls with their timelines and a duration only once ended', async () => {
    const ringing = call({ id: 'a1b2c3d4-0000-4000-8000-000000000001', status: 'ringing', answeredAt: null, endedAt: null, hangupCause: null, hangupCauseText: null });
    const { service } = setup([ringing, call()], [event(1, 'call.started'), event(2, 'call.dtmf', { digit: '1' })]);

    const list = await service.listLatest(agent);

    expect(list.items.map((item) => [item.id, item.durationMs, item.events.length])).toEqual([
      [ringing.id, null, 0],
      [callId, 65_000, 2],
    ]);
    expect(list.items[1]!.events[1]).toEqual({ id: '2', sequence: 2, type: 'call.dtmf', occurredAt: '2026-11-23T10:00:02.000Z', payload: { digit: '1' } });
  });

  it('skips the events query when there are no calls', async () => {
    const { service, eventRepo } = setup([]);
    expect(await service.listLatest(agent)).toEqual({ limit: 20, items: [] });
    expect(eventRepo.find).not.toHaveBeenCalled();
  });

  describe('getById', () => {
    it('refuses an id that is not a UUID', async () => {
      const { service, callRepo } = setup();
      const error = await rejection(service.getById(agent, '42'));
      expect((error as InvalidCallsQueryError).issues).toEqual([{ field: 'id', rule: 'uuid', message: 'must be a UUID' }]);
      expect(callRepo.findOneBy).not.toHaveBeenCalled();
    });

    it('throws a typed not-found error for an unknown call', async () => {
      const { service } = setup([]);
      const error = await rejection(service.getById(agent, callId.toUpperCase()));
      expect(error).toBeInstanceOf(CallNotFoundError);
      expect((error as CallNotFoundError).callId).toBe(callId);
    });

    it('returns the call with its timeline', async () => {
      const { service } = setup([call()], [event(1, 'call.started')]);
      const found = await service.getById(agent, callId);
      expect(found).toMatchObject({ id: callId, callerNumber: '13800138000', hangupCause: 16, events: [{ type: 'call.started' }], agentId: 'agent-07' });
      expect(found.linkedOrders).toEqual([{ id: 'o-1', number: '2026112300001', status: 'handling', subject: '噪声', linkedAt: '2026-11-23T10:00:06.000Z' }]);
    });

    it('masks the caller number, in the call and its timeline, for roles that do not talk to callers', async () => {
      const { service } = setup([call()], [event(1, 'call.started', { callerNumber: '13800138000' })]);
      const found = await service.getById(actor(Role.Admin), callId);
      expect(found.callerNumber).toBe('138****8000');
      expect(found.events[0]!.payload).toEqual({ callerNumber: '138****8000' });
    });
  });

  describe("an agent's call history", () => {
    it('lists the calls the agent answered, for that agent', async () => {
      const { service, links } = setup();
      const list = await service.listLatest(agent, '5', 'agent-07');
      expect(links.callsAnsweredBy).toHaveBeenCalledWith('agent-07', 5);
      expect(list.items.map((item) => item.id)).toEqual([callId]);
    });

    it("refuses another agent's history to an agent, but not to a supervisor", async () => {
      const { service, links } = setup();
      expect(await rejection(service.listLatest(actor(Role.Agent, 'u-2'), '5', 'agent-07'))).toBeInstanceOf(CallsForbiddenError);
      expect(links.callsAnsweredBy).not.toHaveBeenCalled();
      await expect(service.listLatest(actor(Role.Supervisor, 'u-9'), '5', 'agent-07')).resolves.toMatchObject({ limit: 5 });
    });

    it('refuses an agentId that is not an agent id', async () => {
      const { service } = setup();
      const error = await rejection(service.listLatest(agent, '5', 'DROP TABLE'));
      expect((error as InvalidCallsQueryError).issues).toEqual([expect.objectContaining({ field: 'agentId', rule: 'agent-id' })]);
    });
  });
});
