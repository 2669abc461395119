import { computeDeadline, extendDeadline } from './deadline.calculator';
import { CallerKind, RequestType } from './request-type';
import { SlaDuration } from './sla-duration';
import { RatingLevel, SlaPreset } from './sla-preset.schema';
import { SLA_PRESETS } from './sla-presets.data';
import { resolveHandlingLimit, resolveSignLimit } from './sla-rule.resolver';
import { formatShanghai } from './shanghai-time';
import { WorkingDayCalendar } from './working-day-calendar';

/*
 * One test per cell of the deadline table in docs/domain.md, each computing a real deadline across a 2026
 * holiday (National Day 10-01..07 with 调休 Sunday 09-20 and Saturday 10-10; Mid-Autumn 09-25; Spring
 * Festival 02-15..23 with 调休 Saturdays 02-14 and 02-28).
 */
const calendar = new WorkingDayCalendar();
const preset = (code: string): SlaPreset => {
  const found = SLA_PRESETS.find((candidate) => candidate.code === code);
  if (!found) throw new Error(`no preset ${code}`);
  return found;
};
const at = (local: string) => new Date(`${local}+08:00`);
const due = (from: string, limit: SlaDuration | null) => {
  if (!limit) throw new Error('expected a limit');
  return formatShanghai(computeDeadline(calendar, at(from), limit).dueAt);
};
const handling = (p: SlaPreset, type: RequestType, callerKind = CallerKind.Citizen, emergencyLinked = false) =>
  resolveHandlingLimit(p.rules, { type, callerKind, categoryPath: [], emergencyLinked }).limit;

describe('Bortala 2020 (000)', () => {
  const bortala = preset('bortala-2020');

  it('sign: 8 hours, running through the National Day holiday; contact the caller within 24 h', () => {
    expect(due('2026-09-30T20:00:00', bortala.rules.sign)).toBe('2026-10-01 04:00');
    expect(due('2026-09-30T20:00:00', bortala.rules.firstContact)).toBe('2026-10-01 20:00');
  });

  it('return a wrong dispatch: within 1 working day (dispatched before National Day → 10-08)', () => {
    expect(bortala.rules.returnPolicy).toEqual({ mode: 'window', within: { unit: 'working_days', amount: 1 } });
    if (bortala.rules.returnPolicy.mode !== 'window') throw new Error('window expected');
    expect(due('2026-09-30T10:00:00', bortala.rules.returnPolicy.within)).toBe('2026-10-08 24:00');
  });

  it('consultation: 5 working days (09-30 → 10-13, counting 调休 10-10)', () => {
    expect(due('2026-09-30T10:00:00', handling(bortala, RequestType.Consultation))).toBe('2026-10-13 24:00');
  });

  it('help / suggestion: 5 working days (02-12 → 02-26 across the Spring Festival, counting 调休 02-14)', () => {
    expect(due('2026-02-12T10:00:00', handling(bortala, RequestType.Help))).toBe('2026-02-26 24:00');
    expect(due('2026-02-12T10:00:00', handling(bortala, RequestType.Suggestion))).toBe('2026-02-26 24:00');
  });

  it('complaint / report: 15 working days (09-30 → 10-27)', () => {
    expect(due('2026-09-30T10:00:00', handling(bortala, RequestType.Complaint))).toBe('2026-10-27 24:00');
    expect(due('2026-09-30T10:00:00', handling(bortala, RequestType.Report))).toBe('2026-10-27 24:00');
  });

  it('extension: once, as long as the original limit (5 more working days after 09-30 → 10-13)', () => {
    expect(bortala.rules.extension).toEqual({ maxRequests: 1, perRequest: { mode: 'equal_to_original' }, maxTotalWorkingDays: null });
    const original = computeDeadline(calendar, at('2026-09-22T10:00:00'), handling(bortala, RequestType.Consultation)!);
    expect(formatShanghai(original.dueAt)).toBe('2026-09-30 24:00'); // skips Mid-Autumn 09-25
    expect(formatShanghai(extendDeadline(calendar, original.dueAt, 5).dueAt)).toBe('2026-10-13 24:00');
  });

  it('emergency-linked matters: not set — the ordinary limit applies', () => {
    expect(bortala.rules.emergencyLinked).toBeNull();
    expect(due('2026-09-30T10:00:00', handling(bortala, RequestType.Help, CallerKind.Citizen, true))).toBe('2026-10-13 24:00');
  });

  it('rating: 5 levels, 不满意 and 非常不满意 trigger the manual follow-up, intake rated separately', () => {
    expect(bortala.rules.rating).toEqual({
      levels: [RatingLevel.VerySatisfied, RatingLevel.Satisfied, RatingLevel.BasicallySatisfied, RatingLevel.Dissatisfied, RatingLevel.VeryDissatisfied],
      dissatisfied: [RatingLevel.Dissatisfied, RatingLevel.VeryDissatisfied],
      ratesIntakeSeparately: true,
      setByRegulation: true,
    });
  });

  it('reply to the caller after finishing: within 1 day, holidays included (finished 09-30 → 10-01 24:00)', () => {
    expect(due('2026-09-30T15:00:00', bortala.rules.replyToCaller)).toBe('2026-10-01 24:00');
  });
});

describe('Guizhou 2024 (002)', () => {
  const guizhou = preset('guizhou-2024');

  it('sign: 1 working day (Friday 02-13 → the 调休 Saturday 02-14)', () => {
    expect(due('2026-02-13T16:00:00', guizhou.rules.sign)).toBe('2026-02-14 24:00');
  });

  it('return a wrong dispatch: only by objection, the centre decides', () => {
    expect(guizhou.rules.returnPolicy).toEqual({ mode: 'objection_only' });
  });

  it('consultation, help, suggestion, complaint, report: by law or provincial rules, no preset limit', () => {
    for (const type of [RequestType.Consultation, RequestType.Help, RequestType.Suggestion, RequestType.Complaint, RequestType.Report]) {
      expect(handling(guizhou, type)).toBeNull();
    }
  });

  it('a limit set by law for a category overrides the table (nearest category wins)', () => {
    const rules = {
      ...guizhou.rules,
      categoryOverrides: {
        market: { [RequestType.Complaint]: { unit: 'working_days' as const, amount: 10 } },
        'market.consumer': { [RequestType.Complaint]: { unit: 'working_days' as const, amount: 7 } },
      },
    };
    const limit = resolveHandlingLimit(rules, {
      type: RequestType.Complaint,
      callerKind: CallerKind.Citizen,
      categoryPath: ['market', 'market.consumer'],
      emergencyLinked: false,
    });
    expect(limit.source).toBe('category_override');
    // 09-30 + 7 working days: 10-08, 09, 10 (调休), 12, 13, 14, 15
    expect(due('2026-09-30T10:00:00', limit.limit)).toBe('2026-10-15 24:00');
  });

  it('extension: not set', () => {
    expect(guizhou.rules.extension).toBeNull();
  });

  it('emergency-linked matters: linkage only, no time limit', () => {
    expect(guizhou.rules.emergencyLinked).toBeNull();
    expect(resolveSignLimit(guizhou.rules, true)).toEqual({ unit: 'working_days', amount: 1 });
  });

  it('rating: not set by the regulation, the national 好差评 five levels apply', () => {
    expect(guizhou.rules.rating.setByRegulation).toBe(false);
    expect(guizhou.rules.rating.levels).toHaveLength(5);
  });

  it('reply to the caller after finishing: not set', () => {
    expect(guizhou.rules.replyToCaller).toBeNull();
  });
});

describe('Ningxia 2025 (003)', () => {
  const ningxia = preset('ningxia-2025');

  it('sign: 1 working day (dispatched 09-30 → 10-08 after National Day)', () => {
    expect(due('2026-09-30T17:00:00', ningxia.rules.sign)).toBe('2026-10-08 24:00');
  });

  it('return a wrong dispatch: within 1 working day (Friday 02-13 → 调休 Saturday 02-14)', () => {
    if (ningxia.rules.returnPolicy.mode !== 'window') throw new Error('window expected');
    expect(due('2026-02-13T09:00:00', ningxia.rules.returnPolicy.within)).toBe('2026-02-14 24:00');
  });

  it('consultation: 2 working days (Friday 02-13 → 02-24, skipping the whole Spring Festival)', () => {
    expect(due('2026-02-13T09:00:00', handling(ningxia, RequestType.Consultation))).toBe('2026-02-24 24:00');
  });

  it('help / suggestion: 5 working days (09-30 → 10-13)', () => {
    expect(due('2026-09-30T10:00:00', handling(ningxia, RequestType.Help))).toBe('2026-10-13 24:00');
    expect(due('2026-09-30T10:00:00', handling(ningxia, RequestType.Suggestion))).toBe('2026-10-13 24:00');
  });

  it('complaint / report: 5 working days (02-13 → 02-27 across the Spring Festival)', () => {
    expect(due('2026-02-13T09:00:00', handling(ningxia, RequestType.Complaint))).toBe('2026-02-27 24:00');
    expect(due('2026-02-13T09:00:00', handling(ningxia, RequestType.Report))).toBe('2026-02-27 24:00');
  });

  it('extension: at most 2 requests of at most 5 working days each (2 × 5 after 09-30 → 10-13 → 10-20)', () => {
    expect(ningxia.rules.extension).toEqual({ maxRequests: 2, perRequest: { mode: 'max_working_days', days: 5 }, maxTotalWorkingDays: null });
    const first = extendDeadline(calendar, at('2026-10-01T00:00:00'), 5);
    expect(formatShanghai(first.dueAt)).toBe('2026-10-13 24:00');
    expect(formatShanghai(extendDeadline(calendar, first.dueAt, 5).dueAt)).toBe('2026-10-20 24:00');
  });

  it('emergency-linked matters: handle within 2 h, finish within 2 days, holidays included', () => {
    expect(due('2026-09-30T23:00:00', resolveSignLimit(ningxia.rules, true))).toBe('2026-10-01 01:00');
    expect(due('2026-09-30T23:00:00', handling(ningxia, RequestType.Help, CallerKind.Citizen, true))).toBe('2026-10-02 24:00');
  });

  it('rating: 3 levels 非常满意, 满意, 不满意', () => {
    expect(ningxia.rules.rating.levels).toEqual([RatingLevel.VerySatisfied, RatingLevel.Satisfied, RatingLevel.Dissatisfied]);
    expect(ningxia.rules.rating.dissatisfied).toEqual([RatingLevel.Dissatisfied]);
  });

  it('reply to the caller after finishing: not set', () => {
    expect(ningxia.rules.replyToCaller).toBeNull();
  });
});

describe('"a city" rules (004)', () => {
  const city = preset('city-rules');

  it('sign: not set (recorded at once and dispatched promptly)', () => {
    expect(city.rules.sign).toBeNull();
    expect(due('2026-09-30T10:00:00', city.rules.dispatch)).toBe('2026-10-08 24:00');
  });

  it('return a wrong dispatch: not regulated', () => {
    expect(city.rules.returnPolicy).toEqual({ mode: 'unregulated' });
  });

  it('consultation: 5 working days for citizens (02-12 → 02-26), 15 for enterprises (09-30 → 10-27)', () => {
    expect(due('2026-02-12T10:00:00', handling(city, RequestType.Consultation))).toBe('2026-02-26 24:00');
    expect(due('2026-09-30T10:00:00', handling(city, RequestType.Consultation, CallerKind.Enterprise))).toBe('2026-10-27 24:00');
  });

  it('help / suggestion: the same 5 / 15 working days', () => {
    expect(due('2026-09-30T10:00:00', handling(city, RequestType.Help))).toBe('2026-10-13 24:00');
    expect(due('2026-09-30T10:00:00', handling(city, RequestType.Suggestion, CallerKind.Enterprise))).toBe('2026-10-27 24:00');
  });

  it('complaint / report: the same 5 / 15 working days', () => {
    expect(due('2026-09-30T10:00:00', handling(city, RequestType.Complaint))).toBe('2026-10-13 24:00');
    expect(due('2026-09-30T10:00:00', handling(city, RequestType.Report, CallerKind.Enterprise))).toBe('2026-10-27 24:00');
  });

  it('extension: normally at most 10 working days in total (after 09-30 → 10-20)', () => {
    expect(city.rules.extension).toEqual({ maxRequests: null, perRequest: { mode: 'unregulated' }, maxTotalWorkingDays: 10 });
    expect(formatShanghai(extendDeadline(calendar, at('2026-10-01T00:00:00'), 10).dueAt)).toBe('2026-10-20 24:00');
  });

  it('emergency-linked matters: not set', () => {
    expect(city.rules.emergencyLinked).toBeNull();
  });

  it('rating: not set by the rules, the national five levels apply', () => {
    expect(city.rules.rating.setByRegulation).toBe(false);
  });

  it('reply to the caller after finishing: the same day, even on a holiday', () => {
    expect(due('2026-10-01T09:00:00', city.rules.replyToCaller)).toBe('2026-10-01 24:00');
  });
});
