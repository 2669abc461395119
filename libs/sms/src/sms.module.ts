import { Module } from '@nestjs/common';
import { SmppSmsGateway } from './smpp-sms.gateway';
import { SmsGateway } from './sms.gateway';

/** The SMS centre over SMPP. Needs APP_CONFIG from the root. */
@Module({
  providers: [{ provide: SmsGateway, useClass: SmppSmsGateway }],
  exports: [SmsGateway],
})
export class SmsModule {}
