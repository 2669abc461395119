import { Module } from '@nestjs/common';
import { CLOCK, SystemClock } from '@hotline/common';
import { SystemAlarmReader } from './system-alarm.reader';

/** The platform alarms call-control keeps in Redis, for the health report and the realtime snapshot. */
@Module({
  providers: [SystemAlarmReader, { provide: CLOCK, useClass: SystemClock }],
  exports: [SystemAlarmReader],
})
export class SystemAlarmModule {}
