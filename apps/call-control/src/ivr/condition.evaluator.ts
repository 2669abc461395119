import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { CallerListName, CallerListRepository, ConditionCheck } from '@hotline/ivr';
import { WORKING_DAYS, WorkingDayPort } from './working-day.port';

export interface ConditionContext {
  callId: string;
  callerNumber: string | null;
  dialedNumber: string;
  tags: Record<string, string>;
  /** Lists the caller is on, loaded once per call. */
  callerLists(): Promise<Set<CallerListName>>;
}

const SHANGHAI = 'Asia/Shanghai';
const partsFormat = new Intl.DateTimeFormat('en-CA', { timeZone: SHANGHAI, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' });
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** China time of an instant: civil date, minutes since midnight, ISO weekday (1 = Monday). */
export function shanghaiParts(instant: Date): { date: string; minutes: number; weekday: number } {
  const parts = Object.fromEntries(partsFormat.formatToParts(instant).map((part) => [part.type, part.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute), weekday: WEEKDAYS[parts.weekday!]! };
}

/** The condition node's checks: business hours and the official calendar, caller lists, repeat callers, tags, line. */
@Injectable()
export class ConditionEvaluator {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WORKING_DAYS) private readonly workingDays: WorkingDayPort,
    private readonly callerLists: CallerListRepository,
  ) {}

  async evaluate(check: ConditionCheck, context: ConditionContext): Promise<boolean> {
    const now = this.clock.now();
    switch (check.kind) {
      case 'business-hours': {
        const { date, minutes, weekday } = shanghaiParts(now);
        const dayOpen =
          check.days === 'every-day' ? true : check.days === 'working-days' ? await this.workingDays.isWorkday(date) : check.days.includes(weekday);
        return dayOpen && minutes >= toMinutes(check.open) && minutes < toMinutes(check.close);
      }
      case 'holiday':
        return !(await this.workingDays.isWorkday(shanghaiParts(now).date));
      case 'caller-list':
        return context.callerNumber !== null && (await context.callerLists()).has(check.list);
      case 'repeat-caller':
        if (!context.callerNumber) return false;
        // minCalls counts this call too.
        return (await this.callerLists.callsSince(context.callerNumber, new Date(now.getTime() - check.withinHours * 3_600_000), context.callId)) + 1 >= check.minCalls;
      case 'tag':
        return context.tags[check.key] === check.equals;
      case 'line':
        return check.in.includes(context.dialedNumber);
    }
  }
}

function toMinutes(time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}
