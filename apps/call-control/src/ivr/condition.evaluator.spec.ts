import { CallerListName, CallerListRepository } from '@hotline/ivr';
import { ConditionContext, ConditionEvaluator, shanghaiParts } from './condition.evaluator';
import { WorkingDayPort } from './working-day.port';

describe('ConditionEvaluator', () => {
  let now: Date;
  const workdays = new Set(['2026-09-30', '2026-10-10']); // a Wednesday, and the 调休 Saturday after National Day
  const calendar: WorkingDayPort = { isWorkday: async (date) => workdays.has(date) };
  const lists: Partial<CallerListRepository> = { callsSince: jest.fn(async () => 1) };
  const evaluator = () => new ConditionEvaluator({ now: () => now }, calendar, lists as CallerListRepository);
  const context = (overrides: Partial<ConditionContext> = {}): ConditionContext => ({
    callId: 'call-1',
    callerNumber: '13800000000',
    dialedNumber: '12315',
    tags: { caller: 'elderly' },
    callerLists: async () => new Set<CallerListName>(['vip']),
    ...overrides,
  });

  it('reads China time, whatever the server time zone', () => {
    expect(shanghaiParts(new Date('2026-09-30T16:30:00Z'))).toEqual({ date: '2026-10-01', minutes: 30, weekday: 4 });
  });

  it('business hours on working days follow the official calendar (holidays and make-up Saturdays)', async () => {
    const hours = { kind: 'business-hours', open: '08:30', close: '17:30', days: 'working-days' } as const;
    now = new Date('2026-09-30T01:00:00Z'); // 09:00 China time, a working Wednesday
    expect(await evaluator().evaluate(hours, context())).toBe(true);
    now = new Date('2026-09-30T10:00:00Z'); // 18:00
    expect(await evaluator().evaluate(hours, context())).toBe(false);
    now = new Date('2026-10-02T01:00:00Z'); // National Day holiday, a Friday
    expect(await evaluator().evaluate(hours, context())).toBe(false);
    expect(await evaluator().evaluate({ kind: 'holiday' }, context())).toBe(true);
    now = new Date('2026-10-10T01:00:00Z'); // Saturday, but an official working day (调休)
    expect(await evaluator().evaluate(hours, context())).toBe(true);
    expect(await evaluator().evaluate({ ...hours, days: [1, 2, 3, 4, 5] }, context())).toBe(false);
  });

  it('checks caller lists, repeat callers, tags and the line', async () => {
    now = new Date('2026-09-30T01:00:00Z');
    expect(await evaluator().evaluate({ kind: 'caller-list', list: 'vip' }, context())).toBe(true);
    expect(await evaluator().evaluate({ kind: 'caller-list', list: 'blocked' }, context())).toBe(false);
    expect(await evaluator().evaluate({ kind: 'caller-list', list: 'vip' }, context({ callerNumber: null }))).toBe(false);
    // One earlier call (the repository leaves this one out, written yet or not) and this one make two.
    expect(await evaluator().evaluate({ kind: 'repeat-caller', withinHours: 24, minCalls: 2 }, context())).toBe(true);
    expect(await evaluator().evaluate({ kind: 'repeat-caller', withinHours: 24, minCalls: 3 }, context())).toBe(false);
    expect(lists.callsSince).toHaveBeenCalledWith('13800000000', new Date('2026-09-29T01:00:00Z'), 'call-1');
    expect(await evaluator().evaluate({ kind: 'tag', key: 'caller', equals: 'elderly' }, context())).toBe(true);
    expect(await evaluator().evaluate({ kind: 'line', in: ['12369', '12315'] }, context())).toBe(true);
  });
});
