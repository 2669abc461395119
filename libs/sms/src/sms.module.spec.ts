import { Test } from '@nestjs/testing';
import { AppConfig, ConfigModule } from '@hotline/config';
import { DisabledSmsGateway } from './disabled-sms.gateway';
import { SmppSmsGateway } from './smpp-sms.gateway';
import { SmsGateway } from './sms.gateway';
import { SmsModule } from './sms.module';

/** Only what the module reads: which settings turn SMS on is loadConfig's and smsEnabled's (load-config.spec.ts). */
async function gatewayFor(sms: Pick<AppConfig, 'SMS_ENABLED' | 'SMPP_URL'>): Promise<SmsGateway> {
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forConfig({ ...sms } as AppConfig), SmsModule] }).compile();
  return moduleRef.get(SmsGateway);
}

describe('SmsModule', () => {
  it('provides the disabled channel without an SMSC, or with SMS_ENABLED off', async () => {
    const gateway = await gatewayFor({ SMS_ENABLED: undefined, SMPP_URL: undefined });
    expect(gateway).toBeInstanceOf(DisabledSmsGateway);
    expect(gateway.enabled).toBe(false);
    expect(await gatewayFor({ SMPP_URL: 'smpp://127.0.0.1:2775', SMS_ENABLED: false })).toBeInstanceOf(DisabledSmsGateway);
  });

  it('provides the SMPP gateway when an SMSC is configured (not started here: the worker starts it)', async () => {
    const gateway = await gatewayFor({ SMPP_URL: 'smpp://127.0.0.1:2775', SMS_ENABLED: undefined });
    expect(gateway).toBeInstanceOf(SmppSmsGateway);
    expect(gateway.enabled).toBe(true);
  });
});
