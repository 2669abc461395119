import { JwtService } from '@nestjs/jwt';
import { OrgRepository, Role, User, UserWithCredentials } from '@hotline/org';
import { LoginLockedError } from './auth.errors';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { Argon2PasswordHasher } from './password-hasher';

describe('AuthService', () => {
  const hasher = new Argon2PasswordHasher();
  const jwt = new JwtService({ secret: 'unit-test-secret-value', signOptions: { expiresIn: 60 } });
  let user: UserWithCredentials;
  const org = {
    userWithCredentials: async (username: string) => (username === user.username ? user : null),
    userById: async (id: string): Promise<User | null> => (id === user.id ? user : null),
  } as unknown as OrgRepository;
  const outcomes: string[] = [];
  const throttle: LoginThrottle = {
    assertAllowed: async () => undefined,
    recordFailure: async ({ username, clientIp }) => void outcomes.push(`failure ${username} ${clientIp}`),
    recordSuccess: async ({ username }) => void outcomes.push(`success ${username}`),
  };

  beforeAll(async () => {
    user = {
      id: '7d3f1c8e-0000-4000-8000-000000000001',
      username: 'reviewer',
      displayName: '审核员',
      roles: [Role.Reviewer],
      unitId: '7d3f1c8e-0000-4000-8000-0000000000aa',
      active: true,
      passwordHash: await hasher.hash('correct horse battery'),
    };
  });

  it('stores argon2id hashes and logs in with the right password only', async () => {
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    const auth = new AuthService(org, hasher, jwt, throttle);
    const result = await auth.login('reviewer', 'correct horse battery', 60, '192.0.2.7');
    expect(result.user).toMatchObject({ username: 'reviewer', roles: ['reviewer'] });
    await expect(auth.login('reviewer', 'wrong', 60, '192.0.2.7')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(auth.login('nobody', 'wrong', 60, '192.0.2.7')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    // Unknown usernames count as failures too: a lockout must not reveal which accounts exist.
    expect(outcomes).toEqual(['success reviewer', 'failure reviewer 192.0.2.7', 'failure nobody 192.0.2.7']);
  });

  it('reads roles fresh on every request: a deactivated user’s token stops working at once', async () => {
    const auth = new AuthService(org, hasher, jwt, throttle);
    const { accessToken } = await auth.login('reviewer', 'correct horse battery', 60, '192.0.2.7');
    expect(await auth.authenticate(accessToken)).toEqual({ userId: user.id, username: 'reviewer', roles: [Role.Reviewer], unitId: user.unitId });
    user = { ...user, active: false };
    await expect(auth.authenticate(accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    user = { ...user, active: true };
    await expect(auth.authenticate(`${accessToken}x`)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});

describe('AuthService with a locked-out login', () => {
  it('refuses before the password is checked, even a right one', async () => {
    const hasher = { hash: async () => 'h', verify: jest.fn(async () => true) };
    const org = { userWithCredentials: jest.fn() } as unknown as OrgRepository;
    const locked = new LoginLockedError(42);
    const throttle: LoginThrottle = { assertAllowed: async () => Promise.reject(locked), recordFailure: jest.fn(), recordSuccess: jest.fn() };
    const auth = new AuthService(org, hasher, new JwtService({ secret: 'unit-test-secret-value' }), throttle);
    await expect(auth.login('reviewer', 'right', 60, '192.0.2.7')).rejects.toBe(locked);
    expect(hasher.verify).not.toHaveBeenCalled();
    expect(locked).toMatchObject({ code: 'LOGIN_LOCKED', kind: 'too_many_requests', details: { retryAfterSeconds: 42 } });
  });
});
