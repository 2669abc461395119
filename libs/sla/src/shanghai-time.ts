/**
 * Civil dates in China Standard Time. Deadlines are counted in the caller's and the units' calendar days, not
 * UTC ones; China has a fixed UTC+8 offset and no daylight saving, so plain arithmetic is exact.
 */
const OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

export type CivilDate = string; // YYYY-MM-DD

const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCivilDate(value: string): boolean {
  const match = CIVIL_DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

export function shanghaiDate(instant: Date): CivilDate {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** 00:00 China time of the given civil date, as an instant. */
export function startOfShanghaiDay(date: CivilDate): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - OFFSET_MS);
}

export function addCivilDays(date: CivilDate, days: number): CivilDate {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function civilYear(date: CivilDate): number {
  return Number(date.slice(0, 4));
}

/** `2026-10-13 24:00`: how a deadline that ends with a day is written in Chinese notices. */
export function formatShanghai(instant: Date): string {
  const local = new Date(instant.getTime() + OFFSET_MS).toISOString();
  const [date, time] = [local.slice(0, 10), local.slice(11, 16)];
  return time === '00:00' ? `${addCivilDays(date, -1)} 24:00` : `${date} ${time}`;
}
