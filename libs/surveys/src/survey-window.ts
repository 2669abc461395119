import { addCivilDays, shanghaiDate, startOfShanghaiDay, WorkingDayCalendar } from '@hotline/sla';
import { DayWindow } from './survey-policy';

const MAX_DAYS_AHEAD = 60;

/**
 * The earliest instant at or after `at` inside one of the windows, on a working day when required (the
 * official calendar with its 调休, so a make-up Saturday is a working day and a holiday Monday is not).
 */
export function nextSurveyTime(calendar: WorkingDayCalendar, at: Date, windows: readonly DayWindow[], workingDaysOnly: boolean): Date {
  let date = shanghaiDate(at);
  for (let day = 0; day < MAX_DAYS_AHEAD; day += 1, date = addCivilDays(date, 1)) {
    if (workingDaysOnly && !calendar.isWorkday(date)) continue;
    const midnight = startOfShanghaiDay(date).getTime();
    for (const window of windows) {
      const start = midnight + minutes(window.from) * 60_000;
      const end = midnight + minutes(window.to) * 60_000;
      if (at.getTime() < end) return new Date(Math.max(at.getTime(), start));
    }
  }
  throw new RangeError(`No survey window within ${MAX_DAYS_AHEAD} days of ${at.toISOString()}`);
}

function minutes(hhmm: string): number {
  const [hours, mins] = hhmm.split(':').map(Number);
  return hours * 60 + mins;
}
