import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { appConfigSchema, ConfigModule, loadConfig } from '@hotline/config';
import { DisabledSmsGateway } from './disabled-sms.gateway';
import { SmppSmsGateway } from './smpp-sms.gateway';
import { SmsGateway } from './sms.gateway';
import { SmsModule } from './sms.module';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ARI_URL: 'http://127.0.0.1:8088',
  ARI_USERNAME: 'hotline',
  ARI_PASSWORD: 'a-long-generated-secret',
  AMI_USERNAME: 'hotline',
  AMI_PASSWORD: 'another-long-secret',
};

async function gatewayFor(env: Record<string, string>): Promise<SmsGateway> {
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forConfig(loadConfig(appConfigSchema, { ...base, ...env })), SmsModule] }).compile();
  return moduleRef.get(SmsGateway);
}

describe('SmsModule', () => {
  afterEach(() => jest.restoreAllMocks());

  it('provides the disabled channel without an SMSC, and never opens an SMPP connection', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const gateway = await gatewayFor({});
    expect(gateway).toBeInstanceOf(DisabledSmsGateway);
    expect(gateway.enabled).toBe(false);
    expect(await gatewayFor({ SMPP_URL: 'smpp://127.0.0.1:2775', SMS_ENABLED: 'off' })).toBeInstanceOf(DisabledSmsGateway);
  });

  it('provides the SMPP gateway when an SMSC is configured (not started here: the worker starts it)', async () => {
    const gateway = await gatewayFor({ SMPP_URL: 'smpp://127.0.0.1:2775' });
    expect(gateway).toBeInstanceOf(SmppSmsGateway);
    expect(gateway.enabled).toBe(true);
  });
});
