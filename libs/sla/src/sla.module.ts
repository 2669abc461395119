import { Module } from '@nestjs/common';
import { CalendarRepository, PostgresCalendarRepository } from './calendar.repository';
import { CLOCK, SystemClock } from '@hotline/common';
import { PostgresSlaPresetRepository, SlaPresetRepository } from './sla-preset.repository';
import { SlaPresetCatalog } from './sla-preset.catalog';
import { WorkingDayCalendarService } from './working-day-calendar.service';

/** SLA presets and the working-day calendar. Needs APP_CONFIG and a TypeORM DataSource from the root. */
@Module({
  providers: [
    { provide: CLOCK, useClass: SystemClock },
    { provide: SlaPresetRepository, useClass: PostgresSlaPresetRepository },
    { provide: CalendarRepository, useClass: PostgresCalendarRepository },
    SlaPresetCatalog,
    WorkingDayCalendarService,
  ],
  exports: [CLOCK, SlaPresetCatalog, WorkingDayCalendarService],
})
export class SlaModule {}
