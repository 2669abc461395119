import { appConfigSchema, smsEnabled } from './config.schema';
import { ConfigValidationError } from './config.errors';
import { loadConfig } from './load-config';

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ARI_URL: 'http://127.0.0.1:8088',
  ARI_USERNAME: 'hotline',
  ARI_PASSWORD: 'a-long-generated-secret',
  AMI_USERNAME: 'hotline',
  AMI_PASSWORD: 'another-long-secret',
};

describe('loadConfig', () => {
  it('applies defaults to a minimal valid environment', () => {
    const config = loadConfig(appConfigSchema, valid);
    expect(config.API_PORT).toBe(3000);
    expect(config.AMI_PORT).toBe(5038);
    expect(config.ARI_APP).toBe('hotline');
    expect(config.HOTLINE_NUMBER).toBe('12345');
  });

  it('names every missing variable', () => {
    let error: unknown;
    try {
      loadConfig(appConfigSchema, { REDIS_URL: valid.REDIS_URL });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    for (const name of ['DATABASE_URL', 'ARI_URL', 'ARI_USERNAME', 'ARI_PASSWORD', 'AMI_USERNAME', 'AMI_PASSWORD']) {
      expect(message).toContain(`${name}:`);
    }
    expect(message).toContain('not set');
    expect(message).not.toContain('REDIS_URL');
  });

  it('refuses malformed values with the rule that failed', () => {
    expect(() => loadConfig(appConfigSchema, { ...valid, DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\/ \(invalid value\)/,
    );
    expect(() => loadConfig(appConfigSchema, { ...valid, API_PORT: '70000' })).toThrow(/API_PORT:/);
    expect(() => loadConfig(appConfigSchema, { ...valid, ARI_PASSWORD: 'short' })).toThrow(
      /ARI_PASSWORD: must be at least 12 characters/,
    );
    expect(() => loadConfig(appConfigSchema, { ...valid, HOTLINE_NUMBER: '12a45' })).toThrow(/HOTLINE_NUMBER: must be 3 to 8 digits/);
  });

  it('validates the caps on survey calls call-control places', () => {
    expect(loadConfig(appConfigSchema, valid)).toMatchObject({ SURVEY_MAX_CONCURRENT_CALLS: 4, SURVEY_CALLS_PER_SECOND: 1, SURVEY_MAX_INBOUND_WAITING: 0 });
    expect(loadConfig(appConfigSchema, { ...valid, SURVEY_CALLS_PER_SECOND: '0.5' }).SURVEY_CALLS_PER_SECOND).toBe(0.5);
    expect(() => loadConfig(appConfigSchema, { ...valid, SURVEY_MAX_CONCURRENT_CALLS: '0' })).toThrow(/SURVEY_MAX_CONCURRENT_CALLS:/);
    expect(() => loadConfig(appConfigSchema, { ...valid, SURVEY_CALLS_PER_SECOND: 'fast' })).toThrow(/SURVEY_CALLS_PER_SECOND:/);
    expect(() => loadConfig(appConfigSchema, { ...valid, SURVEY_MAX_INBOUND_WAITING: '-1' })).toThrow(/SURVEY_MAX_INBOUND_WAITING:/);
  });

  it('turns SMS on exactly when an SMSC is configured, unless SMS_ENABLED says otherwise', () => {
    const sms = (env: Record<string, string>) => smsEnabled(loadConfig(appConfigSchema, { ...valid, ...env }));
    // npm start and a development machine have no SMSC: off, rather than retrying one forever.
    expect(sms({})).toBe(false);
    expect(sms({ SMPP_URL: 'smpp://10.0.0.5:2775' })).toBe(true);
    expect(sms({ SMPP_URL: 'smpp://10.0.0.5:2775', SMS_ENABLED: 'false' })).toBe(false);
    expect(sms({ SMPP_URL: 'smpp://10.0.0.5:2775', SMS_ENABLED: 'off' })).toBe(false);
    expect(sms({ SMPP_URL: 'smpp://10.0.0.5:2775', SMS_ENABLED: 'true' })).toBe(true);
    expect(sms({ SMS_ENABLED: '0' })).toBe(false);
    expect(sms({ SMS_ENABLED: '', SMPP_URL: 'smpp://10.0.0.5:2775' })).toBe(true);
  });

  it('refuses SMS_ENABLED on without an SMSC, and switch values that are not on/off', () => {
    expect(() => loadConfig(appConfigSchema, { ...valid, SMS_ENABLED: 'true' })).toThrow(/SMPP_URL: is required when SMS_ENABLED is on .*\(not set\)/);
    expect(() => loadConfig(appConfigSchema, { ...valid, SMS_ENABLED: 'maybe', SMPP_URL: 'smpp://10.0.0.5:2775' })).toThrow(/SMS_ENABLED: .*\(invalid value\)/);
    expect(() => loadConfig(appConfigSchema, { ...valid, SMS_ENABLED: 'on', SMPP_URL: 'http://10.0.0.5:2775' })).toThrow(/SMPP_URL: must be a URL starting with smpp:\/\//);
  });

  it('refuses a timeline idle flush shorter than the flush a waiter gets', () => {
    expect(() => loadConfig(appConfigSchema, { ...valid, CALL_TIMELINE_FLUSH_MS: '200', CALL_TIMELINE_IDLE_FLUSH_MS: '100' })).toThrow(
      /CALL_TIMELINE_IDLE_FLUSH_MS: must be at least CALL_TIMELINE_FLUSH_MS \(200\)/,
    );
    expect(loadConfig(appConfigSchema, { ...valid, CALL_TIMELINE_FLUSH_MS: '200', CALL_TIMELINE_IDLE_FLUSH_MS: '200' }).CALL_TIMELINE_IDLE_FLUSH_MS).toBe(200);
  });

  it('refuses a wait for the call record no longer than the idle flush, which a healthy Postgres could not meet', () => {
    expect(loadConfig(appConfigSchema, valid).CALL_RECORD_WAIT_MS).toBe(5_000);
    expect(() => loadConfig(appConfigSchema, { ...valid, CALL_RECORD_WAIT_MS: '500' })).toThrow(/CALL_RECORD_WAIT_MS: must be longer than the timeline's idle flush delay \(CALL_TIMELINE_IDLE_FLUSH_MS, 500 ms\)/);
    expect(() => loadConfig(appConfigSchema, { ...valid, CALL_TIMELINE_IDLE_FLUSH_MS: '2000', CALL_RECORD_WAIT_MS: '1500' })).toThrow(/CALL_RECORD_WAIT_MS: .*2000 ms/);
    expect(() => loadConfig(appConfigSchema, { ...valid, CALL_TIMELINE_FLUSH_MS: '800', CALL_RECORD_WAIT_MS: '700' })).toThrow(/CALL_RECORD_WAIT_MS: .*800 ms/);
    expect(loadConfig(appConfigSchema, { ...valid, CALL_RECORD_WAIT_MS: '501' }).CALL_RECORD_WAIT_MS).toBe(501);
  });

  it('treats empty strings as unset so defaults apply', () => {
    expect(loadConfig(appConfigSchema, { ...valid, API_PORT: '' }).API_PORT).toBe(3000);
  });
});
