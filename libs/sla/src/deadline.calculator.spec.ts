import { computeDeadline, countWorkingDays, DeadlineWarning, extendDeadline } from './deadline.calculator';
import { calendarDays, hours, sameDay, workingDays } from './sla-duration';
import { formatShanghai } from './shanghai-time';
import { WorkingDayCalendar } from './working-day-calendar';

const cst = (local: string) => new Date(`${local}+08:00`);
const due = (from: string, duration: Parameters<typeof computeDeadline>[2], calendar = new WorkingDayCalendar()) =>
  formatShanghai(computeDeadline(calendar, cst(from), duration).dueAt);

describe('computeDeadline on the official calendar (chinese-days)', () => {
  const calendar = new WorkingDayCalendar();

  it('knows the 2026 holidays and make-up workdays it is built on', () => {
    expect(calendar.isWorkday('2026-10-01')).toBe(false);
    expect(calendar.isWorkday('2026-10-10')).toBe(true); // Saturday, 国庆 调休
    expect(calendar.isWorkday('2026-09-20')).toBe(true); // Sunday, 国庆 调休
    expect(calendar.isWorkday('2026-09-25')).toBe(false); // 中秋, a Friday
    expect(calendar.isWorkday('2026-02-14')).toBe(true); // Saturday, 春节 调休
    expect(calendar.isWorkday('2026-02-23')).toBe(false); // Monday inside 春节
  });

  it('does not count the starting day and ends the last day at 24:00', () => {
    expect(due('2026-11-23T09:00:00', workingDays(1))).toBe('2026-11-24 24:00');
    expect(due('2026-11-23T23:59:00', workingDays(1))).toBe('2026-11-24 24:00');
  });

  it('skips National Day and counts the 调休 Saturday 2026-10-10', () => {
    expect(due('2026-09-30T10:00:00', workingDays(5))).toBe('2026-10-13 24:00');
    expect(due('2026-09-30T10:00:00', workingDays(3))).toBe('2026-10-10 24:00');
  });

  it('skips the Spring Festival and counts the 调休 Saturday 2026-02-14', () => {
    expect(due('2026-02-13T16:00:00', workingDays(1))).toBe('2026-02-14 24:00');
    expect(due('2026-02-13T16:00:00', workingDays(2))).toBe('2026-02-24 24:00');
  });

  it('runs hours, calendar days and same-day limits through holidays', () => {
    expect(due('2026-09-30T20:00:00', hours(8))).toBe('2026-10-01 04:00');
    expect(due('2026-09-30T23:00:00', calendarDays(2))).toBe('2026-10-02 24:00');
    expect(due('2026-10-01T09:00:00', sameDay())).toBe('2026-10-01 24:00');
  });

  it('extends by working days after the original last day', () => {
    const original = computeDeadline(calendar, cst('2026-09-22T10:00:00'), workingDays(5));
    expect(formatShanghai(original.dueAt)).toBe('2026-09-30 24:00');
    expect(formatShanghai(extendDeadline(calendar, original.dueAt, 5).dueAt)).toBe('2026-10-13 24:00');
  });

  it('counts working days between two instants', () => {
    expect(countWorkingDays(calendar, cst('2026-09-30T10:00:00'), cst('2026-10-14T00:00:00'))).toBe(5);
  });
});

describe('years without official data', () => {
  it('warns when a working-day deadline reaches a year the package does not know (2027)', () => {
    const result = computeDeadline(new WorkingDayCalendar(), cst('2026-12-30T10:00:00'), workingDays(3));
    expect(result.warnings).toEqual([expect.objectContaining({ code: DeadlineWarning.CalendarYearUnofficial, year: 2027 })]);
    // Without data the package reads 2027-01-01 (New Year's Day) as a working day: exactly the risk warned about.
    expect(formatShanghai(result.dueAt)).toBe('2027-01-04 24:00');
  });

  it('applies admin overrides and stops warning once an admin declares the year complete', () => {
    const calendar = new WorkingDayCalendar(
      [
        { date: '2027-01-01', workday: false, note: '元旦' },
        { date: '2027-01-02', workday: true, note: '调休 (test data)' },
      ],
      [2027],
    );
    const result = computeDeadline(calendar, cst('2026-12-30T10:00:00'), workingDays(3));
    expect(result.warnings).toEqual([]);
    // 12-31 (1), 01-01 off, 01-02 make-up (2), 01-04 Monday (3)
    expect(formatShanghai(result.dueAt)).toBe('2027-01-04 24:00');
    expect(formatShanghai(computeDeadline(calendar, cst('2026-12-30T10:00:00'), workingDays(2)).dueAt)).toBe('2027-01-02 24:00');
  });
});
