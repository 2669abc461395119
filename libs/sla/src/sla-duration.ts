import { z } from 'zod';

/**
 * A time limit as the regulations write it. Units differ in meaning, so they are kept apart:
 * - `hours`: elapsed clock hours ("8小时内签收", "2小时内处理");
 * - `working_days`: days of the official calendar, holidays and 调休 included;
 * - `calendar_days`: plain days ("1日内回复", "2日内办结");
 * - `same_day`: by the end of the day the step happens ("当天反馈").
 */
export const slaDurationSchema = z.discriminatedUnion('unit', [
  z.object({ unit: z.literal('hours'), amount: z.number().int().positive() }),
  z.object({ unit: z.literal('working_days'), amount: z.number().int().positive() }),
  z.object({ unit: z.literal('calendar_days'), amount: z.number().int().positive() }),
  z.object({ unit: z.literal('same_day') }),
]);

export type SlaDuration = z.infer<typeof slaDurationSchema>;

export const hours = (amount: number): SlaDuration => ({ unit: 'hours', amount });
export const workingDays = (amount: number): SlaDuration => ({ unit: 'working_days', amount });
export const calendarDays = (amount: number): SlaDuration => ({ unit: 'calendar_days', amount });
export const sameDay = (): SlaDuration => ({ unit: 'same_day' });

export function describeDuration(duration: SlaDuration): string {
  switch (duration.unit) {
    case 'hours':
      return `${duration.amount} 小时`;
    case 'working_days':
      return `${duration.amount} 个工作日`;
    case 'calendar_days':
      return `${duration.amount} 日`;
    case 'same_day':
      return '当天';
  }
}
