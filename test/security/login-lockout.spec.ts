/**
 * Login rate limiting and lockout (issue 9, security): counters per username and per client address in
 * Redis, 429 LOGIN_LOCKED with Retry-After while locked, a success clears the username's counter, and
 * every lockout is audited in login_audit. Each case logs in from its own loopback address (127.0.0.x)
 * so the per-address counters of different cases never meet.
 */
import { DEMO_PASSWORD, seedDemoData } from '@hotline/auth';
import { ApiTestServer, startApiTestServer } from '../support/api-test-server';
import { loginAs } from '../support/security-http';

const PER_USERNAME = 3;
const PER_IP = 6;
const LOCKOUT_SECONDS = 2;

describe('login rate limiting and lockout (in-process api, real Redis and Postgres)', () => {
  let api: ApiTestServer;

  beforeAll(async () => {
    api = await startApiTestServer('login-lockout', {
      LOGIN_MAX_FAILURES_PER_USERNAME: String(PER_USERNAME),
      LOGIN_MAX_FAILURES_PER_IP: String(PER_IP),
      LOGIN_FAILURE_WINDOW_SECONDS: '60',
      LOGIN_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
    });
    await seedDemoData(api.dataSource);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  const lockouts = (username: string) =>
    api.dataSource.query(`SELECT scope, username, client_ip, failures, locked_until > at AS until_later FROM login_audit WHERE username = $1 ORDER BY id`, [username]);

  it('locks a username out after N failures, refuses even the right password with 429 + Retry-After, then lets it in again', async () => {
    const from = '127.0.0.11';
    for (let i = 0; i < PER_USERNAME; i += 1) expect((await loginAs(api.url, 'agent', 'wrong-password', from)).status).toBe(401);

    const locked = await loginAs(api.url, 'agent', DEMO_PASSWORD, from);
    expect(locked.status).toBe(429);
    expect(JSON.parse(locked.body)).toMatchObject({ code: 'LOGIN_LOCKED', details: { retryAfterSeconds: expect.any(Number) } });
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(LOCKOUT_SECONDS);
    // Another address is locked out of this username too: the lock is on the account, not the client.
    expect((await loginAs(api.url, 'agent', DEMO_PASSWORD, '127.0.0.12')).status).toBe(429);
    // ...but other users from the same address are not (the address limit is higher).
    expect((await loginAs(api.url, 'supervisor', DEMO_PASSWORD, from)).status).toBe(200);

    expect(await lockouts('agent')).toEqual([{ scope: 'username', username: 'agent', client_ip: from, failures: PER_USERNAME, until_later: true }]);

    await new Promise((resolve) => setTimeout(resolve, (retryAfter + 0.2) * 1000));
    expect((await loginAs(api.url, 'agent', DEMO_PASSWORD, from)).status).toBe(200);
  });

  it('answers an unknown username exactly like a known one, lockout included', async () => {
    const from = '127.0.0.13';
    for (let i = 0; i < PER_USERNAME; i += 1) expect((await loginAs(api.url, 'no.such.user', 'wrong-password', from)).status).toBe(401);
    const locked = await loginAs(api.url, 'no.such.user', 'wrong-password', from);
    expect(locked.status).toBe(429);
    expect(JSON.parse(locked.body).code).toBe('LOGIN_LOCKED');
  });

  it('clears the username counter on success, so a forgetful user is not locked out by old typos', async () => {
    const from = '127.0.0.14';
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < PER_USERNAME - 1; i += 1) expect((await loginAs(api.url, 'quality', 'typo', from)).status).toBe(401);
      expect((await loginAs(api.url, 'quality', DEMO_PASSWORD, from)).status).toBe(200);
    }
    expect(await lockouts('quality')).toEqual([]);
  });

  it('locks out an address that sprays many usernames, and only that address', async () => {
    const sprayer = '127.0.0.15';
    const usernames = ['market.handler', 'market.admin', 'housing.handler', 'qingdeli.handler', 'reviewer', 'admin'];
    expect(usernames).toHaveLength(PER_IP);
    // One guess per account stays under the per-username limit; the address limit is what stops it.
    for (const username of usernames) expect((await loginAs(api.url, username, 'guess-1', sprayer)).status).toBe(401);
    const locked = await loginAs(api.url, 'reviewer', DEMO_PASSWORD, sprayer);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The accounts themselves are fine from elsewhere.
    expect((await loginAs(api.url, 'reviewer', DEMO_PASSWORD, '127.0.0.16')).status).toBe(200);
    const [ipLockout] = await api.dataSource.query(`SELECT scope, client_ip, failures FROM login_audit WHERE scope = 'ip' AND client_ip = $1`, [sprayer]);
    expect(ipLockout).toEqual({ scope: 'ip', client_ip: sprayer, failures: PER_IP });
  });
});
