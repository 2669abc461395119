import { SlaDuration } from './sla-duration';
import { addCivilDays, CivilDate, civilYear, shanghaiDate, startOfShanghaiDay } from './shanghai-time';
import { WorkingDayCalendar } from './working-day-calendar';

export enum DeadlineWarning {
  /** A working day was counted in a year whose official holiday schedule is not known yet. */
  CalendarYearUnofficial = 'CALENDAR_YEAR_UNOFFICIAL',
}

export interface DeadlineWarningDetail {
  code: DeadlineWarning;
  year: number;
  message: string;
}

export interface Deadline {
  dueAt: Date;
  warnings: DeadlineWarningDetail[];
}

/**
 * Computes when a time limit ends. Day counts follow the Civil Code's rules on periods (民法典 第二百零一条,
 * 第二百零三条): the day the period starts on is not counted, and the last day ends at 24:00. So "1 working
 * day" from a Wednesday-afternoon dispatch ends at Thursday 24:00, and "5 working days" from 2026-09-30 skip
 * the National Day holiday and count the 调休 Saturday 2026-10-10. Day-based deadlines are returned as the
 * instant 00:00 China time of the following day (exclusive end).
 */
export function computeDeadline(calendar: WorkingDayCalendar, from: Date, duration: SlaDuration): Deadline {
  switch (duration.unit) {
    case 'hours':
      return { dueAt: new Date(from.getTime() + duration.amount * 3600_000), warnings: [] };
    case 'same_day':
      return { dueAt: startOfShanghaiDay(addCivilDays(shanghaiDate(from), 1)), warnings: [] };
    case 'calendar_days':
      return { dueAt: startOfShanghaiDay(addCivilDays(shanghaiDate(from), duration.amount + 1)), warnings: [] };
    case 'working_days':
      return addWorkingDays(calendar, shanghaiDate(from), duration.amount);
  }
}

/** Extends a deadline by whole working days counted after the day it would have ended. */
export function extendDeadline(calendar: WorkingDayCalendar, dueAt: Date, days: number): Deadline {
  // dueAt is exclusive: the millisecond before it lies on the deadline's last day.
  return addWorkingDays(calendar, shanghaiDate(new Date(dueAt.getTime() - 1)), days);
}

/** Working days strictly after `after` up to and including the day `dueAt` ends on. */
export function countWorkingDays(calendar: WorkingDayCalendar, from: Date, dueAt: Date): number {
  let day = shanghaiDate(from);
  const last = shanghaiDate(new Date(dueAt.getTime() - 1));
  let count = 0;
  while (day < last) {
    day = addCivilDays(day, 1);
    if (calendar.isWorkday(day)) count += 1;
  }
  return count;
}

function addWorkingDays(calendar: WorkingDayCalendar, start: CivilDate, days: number): Deadline {
  const unofficialYears = new Set<number>();
  let day = start;
  let counted = 0;
  while (counted < days) {
    day = addCivilDays(day, 1);
    if (!calendar.hasOfficialDataFor(day)) unofficialYears.add(civilYear(day));
    if (calendar.isWorkday(day)) counted += 1;
  }
  return {
    dueAt: startOfShanghaiDay(addCivilDays(day, 1)),
    warnings: [...unofficialYears].map((year) => ({
      code: DeadlineWarning.CalendarYearUnofficial,
      year,
      message: `${year} 年的官方节假日安排尚未录入: 该期限按普通周末计算, 请管理员录入当年调休安排`,
    })),
  };
}
