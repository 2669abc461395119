import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, smsEnabled } from '@hotline/config';
import { DisabledSmsGateway } from './disabled-sms.gateway';
import { SmppSmsGateway } from './smpp-sms.gateway';
import { SmsGateway } from './sms.gateway';

/** The SMS centre over SMPP, or the disabled channel when SMS is off (see smsEnabled). Needs APP_CONFIG from the root. */
@Module({
  providers: [
    {
      provide: SmsGateway,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): SmsGateway => (smsEnabled(config) ? new SmppSmsGateway(config) : new DisabledSmsGateway()),
    },
  ],
  exports: [SmsGateway],
})
export class SmsModule {}
