import { Injectable } from '@nestjs/common';
import { WorkingDayCalendarService } from '@hotline/sla';

/** Whether a China-time civil date (YYYY-MM-DD) is a working day by the official calendar (holidays, 调休). */
export interface WorkingDayPort {
  isWorkday(date: string): Promise<boolean>;
}

export const WORKING_DAYS = Symbol('WORKING_DAYS');

/** The work-order context's calendar (chinese-days plus admin overrides), so IVR and deadlines agree. */
@Injectable()
export class SlaWorkingDayAdapter implements WorkingDayPort {
  constructor(private readonly calendars: WorkingDayCalendarService) {}

  async isWorkday(date: string): Promise<boolean> {
    return (await this.calendars.calendar()).isWorkday(date);
  }
}
