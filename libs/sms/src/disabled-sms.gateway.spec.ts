import { Logger } from '@nestjs/common';
import { DisabledSmsGateway } from './disabled-sms.gateway';
import { SmsDisabledError } from './sms.gateway';

describe('DisabledSmsGateway', () => {
  afterEach(() => jest.restoreAllMocks());

  it('reports the channel disabled once, however often it is started', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const gateway = new DisabledSmsGateway();
    await gateway.start();
    await gateway.start();
    expect(gateway.enabled).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('sms_disabled');
  });

  it('refuses to submit, naming the switch, rather than pretending the SMS went out', async () => {
    await expect(new DisabledSmsGateway().submit()).rejects.toThrow(SmsDisabledError);
    await expect(new DisabledSmsGateway().submit()).rejects.toThrow(/SMS_ENABLED is off or SMPP_URL is not set/);
  });
});
