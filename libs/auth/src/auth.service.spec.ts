import { JwtService } from '@nestjs/jwt';
import { OrgRepository, Role, User, UserWithCredentials } from '@hotline/org';
import { AuthService } from './auth.service';
import { Argon2PasswordHasher } from './password-hasher';

describe('AuthService', () => {
  const hasher = new Argon2PasswordHasher();
  const jwt = new JwtService({ secret: 'unit-test-secret-value', signOptions: { expiresIn: 60 } });
  let user: UserWithCredentials;
  const org = {
    userWithCredentials: async (username: string) => (username === user.username ? user : null),
    userById: async (id: string): Promise<User | null> => (id === user.id ? user : null),
  } as unknown as OrgRepository;

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
    const auth = new AuthService(org, hasher, jwt);
    const result = await auth.login('reviewer', 'correct horse battery', 60);
    expect(result.user).toMatchObject({ username: 'reviewer', roles: ['reviewer'] });
    await expect(auth.login('reviewer', 'wrong', 60)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(auth.login('nobody', 'wrong', 60)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('reads roles fresh on every request: a deactivated user’s token stops working at once', async () => {
    const auth = new AuthService(org, hasher, jwt);
    const { accessToken } = await auth.login('reviewer', 'correct horse battery', 60);
    expect(await auth.authenticate(accessToken)).toEqual({ userId: user.id, username: 'reviewer', roles: [Role.Reviewer], unitId: user.unitId });
    user = { ...user, active: false };
    await expect(auth.authenticate(accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    user = { ...user, active: true };
    await expect(auth.authenticate(`${accessToken}x`)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});
