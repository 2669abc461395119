import { operatorSettings } from './operator-settings';

describe('operatorSettings', () => {
  it("passes the apps' own settings on (the SMSC, survey caps, log level) and nothing else from the host", () => {
    const settings = operatorSettings(
      { SMS_ENABLED: 'true', SMPP_URL: 'smpp://10.0.0.5:2775', SURVEY_MAX_CONCURRENT_CALLS: '8', LOG_LEVEL: 'debug', HOME: '/root', AWS_SECRET: 'x', SMPP_PASSWORD: '' },
      new Set(),
    );
    expect(settings).toEqual({ SMS_ENABLED: 'true', SMPP_URL: 'smpp://10.0.0.5:2775', SURVEY_MAX_CONCURRENT_CALLS: '8', LOG_LEVEL: 'debug' });
  });

  it('leaves out what the launcher decides itself', () => {
    expect(operatorSettings({ DATABASE_URL: 'postgres://elsewhere/db', REDIS_PREFIX: 'centre2' }, new Set(['DATABASE_URL']))).toEqual({ REDIS_PREFIX: 'centre2' });
  });
});
