import { WorkingDayCalendar } from '@hotline/sla';
import { nextSurveyTime } from './survey-window';

const windows = [
  { from: '09:00', to: '12:00' },
  { from: '14:30', to: '18:00' },
];
const calendar = new WorkingDayCalendar();
const at = (iso: string) => new Date(iso);

describe('nextSurveyTime', () => {
  it('keeps a time inside working hours on a working day', () => {
    expect(nextSurveyTime(calendar, at('2026-09-30T10:15:00+08:00'), windows, true)).toEqual(at('2026-09-30T10:15:00+08:00'));
  });

  it('moves lunchtime to the afternoon window', () => {
    expect(nextSurveyTime(calendar, at('2026-09-30T12:30:00+08:00'), windows, true)).toEqual(at('2026-09-30T14:30:00+08:00'));
  });

  it('never at night: an evening close waits for the next working morning', () => {
    expect(nextSurveyTime(calendar, at('2026-09-29T21:00:00+08:00'), windows, true)).toEqual(at('2026-09-30T09:00:00+08:00'));
  });

  it('skips the National Day holiday and keeps the make-up Saturday (调休) as a working day', () => {
    // 2026-10-01..07 are holidays; 2026-10-10 (Saturday) is an official make-up working day.
    expect(nextSurveyTime(calendar, at('2026-09-30T19:00:00+08:00'), windows, true)).toEqual(at('2026-10-08T09:00:00+08:00'));
    expect(nextSurveyTime(calendar, at('2026-10-09T19:00:00+08:00'), windows, true)).toEqual(at('2026-10-10T09:00:00+08:00'));
  });

  it('counts weekends when working days are not required', () => {
    expect(nextSurveyTime(calendar, at('2026-10-03T08:00:00+08:00'), windows, false)).toEqual(at('2026-10-03T09:00:00+08:00'));
  });
});
