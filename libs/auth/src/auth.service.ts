import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { Actor, OrgRepository, Role } from '@hotline/org';
import { AuthenticationError, AuthErrorCode } from './auth.errors';
import { LoginAttempt, LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';

interface TokenClaims {
  sub: string;
  username: string;
}

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: { id: string; username: string; displayName: string; roles: Role[]; unitId: string };
}


@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  /** Verified against when the user does not exist, so a wrong username takes as long as a wrong password. */
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly org: OrgRepository,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
  ) {}

  /**
   * Locked-out usernames and addresses are refused before the hash is computed: argon2 costs 19 MiB and
   * tens of ms per try, which a guesser must not be able to spend for us. Unknown usernames count as
   * failures like wrong passwords, so lockouts do not reveal which accounts exist.
   */
  async login(username: string, password: string, expiresIn: number, clientIp: string): Promise<LoginResult> {
    const attempt: LoginAttempt = { username, clientIp };
    await this.throttle.assertAllowed(attempt);
    const user = await this.org.userWithCredentials(username);
    this.dummyHash ??= this.hasher.hash(randomUUID());
    const valid = await this.hasher.verify(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !valid || !user.active) {
      this.logger.warn(`Failed login for ${JSON.stringify(username)} from ${clientIp}`);
      await this.throttle.recordFailure(attempt);
      throw new AuthenticationError(AuthErrorCode.InvalidCredentials, 'Wrong username or password');
    }
    await this.throttle.recordSuccess(attempt);
    const claims: TokenClaims = { sub: user.id, username: user.username };
    const accessToken = await this.jwt.signAsync(claims);
    this.logger.log(`${user.username} logged in`);
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn,
      user: { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles, unitId: user.unitId },
    };
  }

  /**
   * The token only says who; roles and unit are read fresh on every request, so a revoked role or a
   * deactivated user takes effect at once rather than when the token expires.
   */
  async authenticate(token: string): Promise<Actor> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw new AuthenticationError(AuthErrorCode.TokenInvalid, 'The token is invalid or expired');
    }
    const user = await this.org.userById(claims.sub);
    if (!user || !user.active) throw new AuthenticationError(AuthErrorCode.TokenInvalid, 'The token’s user no longer exists or is inactive');
    return { userId: user.id, username: user.username, roles: user.roles, unitId: user.unitId };
  }
}
