/**
 * A wrong ARI password must not crash call-control (ari-client's swagger loader would throw it uncaught):
 * the adapter reports it, keeps retrying with backoff, and connects once the credentials are right.
 */
import { Logger } from '@nestjs/common';
import type { AsteriskInstance } from '@hotline/provisioning';
import { AriClientAdapter } from '@hotline/telephony';
import { startTestAsterisk } from '../support/asterisk-test-instance';

jest.setTimeout(120_000);

describe('ARI adapter with refused credentials (real Asterisk)', () => {
  let asterisk: AsteriskInstance;

  beforeAll(async () => {
    asterisk = await startTestAsterisk('ari-credentials', 'hotline', 38_000);
  });

  afterAll(async () => {
    await asterisk?.stop();
  });

  it('logs the refusal, retries, and never throws out of the process', async () => {
    const warnings: string[] = [];
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    const uncaught = jest.fn();
    process.on('uncaughtException', uncaught);
    const adapter = new AriClientAdapter({ url: asterisk.ariUrl, username: asterisk.ariUsername, password: 'not-the-password', app: 'hotline' });
    try {
      void adapter.start();
      const deadline = Date.now() + 10_000;
      while (warnings.filter((line) => line.includes('refused the credentials')).length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(warnings.filter((line) => line.includes(`ARI refused the credentials of user "${asterisk.ariUsername}" (401)`)).length).toBeGreaterThanOrEqual(2);
      expect(adapter.isConnected()).toBe(false);
      expect(uncaught).not.toHaveBeenCalled();
      expect(warnings.join('\n')).not.toContain('not-the-password');
    } finally {
      await adapter.stop();
      process.off('uncaughtException', uncaught);
      warn.mockRestore();
    }
  });
});
