import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '@hotline/auth';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { HealthController } from './health.controller';
import { HealthStatusService } from './health-status.service';
import { HealthViewerGuard } from './health-viewer.guard';
import { RedisHealthIndicator } from './redis-health.indicator';
import { SystemAlarmModule } from '../alarms/system-alarm.module';
import { TelephonyHealthIndicator } from './telephony-health.indicator';
import { AmiHealthProbe, AriHealthProbe } from '@hotline/telephony';

const PROBE_TIMEOUT_MS = 1_500;

@Module({
  // HealthStatusService logs changes of state; terminus would log every failing poll.
  imports: [TerminusModule.forRoot({ logger: false }), AuthModule, SystemAlarmModule],
  controllers: [HealthController],
  providers: [
    {
      provide: AriHealthProbe,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new AriHealthProbe({ url: config.ARI_URL, username: config.ARI_USERNAME, password: config.ARI_PASSWORD, timeoutMs: PROBE_TIMEOUT_MS }),
    },
    {
      provide: AmiHealthProbe,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new AmiHealthProbe({
          host: config.AMI_HOST,
          port: config.AMI_PORT,
          username: config.AMI_USERNAME,
          secret: config.AMI_PASSWORD,
          timeoutMs: PROBE_TIMEOUT_MS,
        }),
    },
    RedisHealthIndicator,
    TelephonyHealthIndicator,
    HealthStatusService,
    HealthViewerGuard,
  ],
})
export class HealthModule {}
