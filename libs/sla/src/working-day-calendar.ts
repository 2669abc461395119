import { isWorkday as isOfficialWorkday } from 'chinese-days';
import officialCalendar from 'chinese-days/dist/chinese-days.json';
import { CivilDate, civilYear } from './shanghai-time';

/** An admin's correction to the package calendar, e.g. next year's schedule before the package knows it. */
export interface CalendarOverride {
  date: CivilDate;
  workday: boolean;
  note: string;
}

/** Years for which `chinese-days` carries the State Council's published schedule. */
export const PACKAGE_OFFICIAL_YEARS: ReadonlySet<number> = new Set(
  [...Object.keys(officialCalendar.holidays), ...Object.keys(officialCalendar.workdays)].map((day) => Number(day.slice(0, 4))),
);

/**
 * The official working-day calendar: public holidays and make-up working weekends (调休) from `chinese-days`,
 * with admin-entered overrides on top. For a year without published data the package falls back to plain
 * weekdays, which is wrong around every holiday: callers get a warning naming the year instead of silence.
 */
export class WorkingDayCalendar {
  private readonly overrides: ReadonlyMap<CivilDate, CalendarOverride>;
  private readonly officialYears: ReadonlySet<number>;

  constructor(overrides: readonly CalendarOverride[] = [], adminOfficialYears: Iterable<number> = []) {
    this.overrides = new Map(overrides.map((override) => [override.date, override]));
    this.officialYears = new Set([...PACKAGE_OFFICIAL_YEARS, ...adminOfficialYears]);
  }

  isWorkday(date: CivilDate): boolean {
    const override = this.overrides.get(date);
    return override ? override.workday : isOfficialWorkday(date);
  }

  /** True when the year's official schedule is known, from the package or declared complete by an admin. */
  hasOfficialData(year: number): boolean {
    return this.officialYears.has(year);
  }

  hasOfficialDataFor(date: CivilDate): boolean {
    return this.hasOfficialData(civilYear(date));
  }
}
