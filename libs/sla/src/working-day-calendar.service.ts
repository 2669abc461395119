import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { CalendarRepository } from './calendar.repository';
import { CalendarOverride, WorkingDayCalendar } from './working-day-calendar';

/** How long a loaded calendar is trusted before re-reading overrides another api instance may have written. */
const CACHE_MS = 30_000;

@Injectable()
export class WorkingDayCalendarService {
  private readonly logger = new Logger(WorkingDayCalendarService.name);
  private cached: { calendar: WorkingDayCalendar; loadedAt: number } | null = null;

  constructor(private readonly repository: CalendarRepository, @Inject(CLOCK) private readonly clock: Clock) {}

  async calendar(): Promise<WorkingDayCalendar> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.loadedAt < CACHE_MS) return this.cached.calendar;
    const [overrides, years] = await Promise.all([this.repository.overrides(), this.repository.officialYears()]);
    const calendar = new WorkingDayCalendar(overrides, years);
    this.cached = { calendar, loadedAt: now };
    return calendar;
  }

  overrides(): Promise<CalendarOverride[]> {
    return this.repository.overrides();
  }

  async setOverride(override: CalendarOverride, userId: string | null): Promise<void> {
    await this.repository.upsertOverride(override, userId);
    this.logger.log(`Calendar override ${override.date} → ${override.workday ? 'workday' : 'day off'} (${override.note}) by ${userId ?? 'system'}`);
    this.cached = null;
  }

  async removeOverride(date: string, userId: string | null): Promise<boolean> {
    const removed = await this.repository.deleteOverride(date);
    if (removed) this.logger.log(`Calendar override ${date} removed by ${userId ?? 'system'}`);
    this.cached = null;
    return removed;
  }

  async officialYears(): Promise<number[]> {
    return this.repository.officialYears();
  }

  async declareOfficialYear(year: number, userId: string | null): Promise<void> {
    await this.repository.declareOfficialYear(year, userId);
    this.logger.log(`Calendar year ${year} declared complete by ${userId ?? 'system'}`);
    this.cached = null;
  }
}
