import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { REDIS_CLIENT } from '@hotline/redis';
import { LoginLockedError } from './auth.errors';
import { LoginAuditRepository } from './login-audit.repository';

export interface LoginAttempt {
  username: string;
  /** The client's address as the api sees it (behind a proxy, configure Express "trust proxy"). */
  clientIp: string;
}

/** Decides whether a login may be tried, and counts its outcome. */
export abstract class LoginThrottle {
  /** Throws LoginLockedError while the username or the address is locked out. */
  abstract assertAllowed(attempt: LoginAttempt): Promise<void>;
  abstract recordFailure(attempt: LoginAttempt): Promise<void>;
  abstract recordSuccess(attempt: LoginAttempt): Promise<void>;
}

type Scope = 'username' | 'ip';

/**
 * Failure counters and lockouts in Redis, so every api instance shares them. Losing Redis only forgets
 * counters and open lockouts (nothing of record: the lockouts themselves are audited in Postgres).
 *
 * Counters live in a fixed window from the first failure; reaching the limit sets a lock key with the
 * lockout's TTL and starts the count afresh. A success clears the username's counter (the user proved the
 * password) but not the address's: otherwise anyone holding one valid account could reset the address
 * counter between guesses at other accounts.
 */
@Injectable()
export class RedisLoginThrottle extends LoginThrottle {
  private readonly logger = new Logger(RedisLoginThrottle.name);

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: LoginAuditRepository,
  ) {
    super();
  }

  async assertAllowed(attempt: LoginAttempt): Promise<void> {
    const ttls = await Promise.all([this.redis.pttl(this.key('lock', 'username', attempt)), this.redis.pttl(this.key('lock', 'ip', attempt))]);
    const remainingMs = Math.max(...ttls);
    if (remainingMs > 0) throw new LoginLockedError(Math.ceil(remainingMs / 1000));
  }

  async recordFailure(attempt: LoginAttempt): Promise<void> {
    const limits: Record<Scope, number> = { username: this.config.LOGIN_MAX_FAILURES_PER_USERNAME, ip: this.config.LOGIN_MAX_FAILURES_PER_IP };
    for (const scope of ['username', 'ip'] as const) {
      const failuresKey = this.key('failures', scope, attempt);
      const [[incrementError, failures]] = (await this.redis
        .multi()
        .incr(failuresKey)
        // NX: the window runs from the first failure, later failures do not extend it.
        .expire(failuresKey, this.config.LOGIN_FAILURE_WINDOW_SECONDS, 'NX')
        .exec()) as [[Error | null, number], [Error | null, number]];
      if (incrementError) throw incrementError;
      if (failures >= limits[scope]) await this.lockOut(scope, attempt, failures);
    }
  }

  async recordSuccess(attempt: LoginAttempt): Promise<void> {
    await this.redis.del(this.key('failures', 'username', attempt));
  }

  private async lockOut(scope: Scope, attempt: LoginAttempt, failures: number): Promise<void> {
    const seconds = this.config.LOGIN_LOCKOUT_SECONDS;
    // NX: a second instance reaching the limit at the same moment must not extend or re-audit the lockout.
    const set = await this.redis.set(this.key('lock', scope, attempt), String(failures), 'EX', seconds, 'NX');
    await this.redis.del(this.key('failures', scope, attempt));
    if (set !== 'OK') return;
    const at = new Date();
    const what = scope === 'username' ? `username ${JSON.stringify(attempt.username)}` : `address ${attempt.clientIp}`;
    this.logger.warn(`Login locked out for ${what} for ${seconds} s after ${failures} failures`);
    await this.audit.recordLockout({ scope, username: attempt.username, clientIp: attempt.clientIp, failures, lockedUntil: new Date(at.getTime() + seconds * 1000), at });
  }

  /** Usernames are hashed into keys: any string up to the schema's maximum, never a key-injection vector. */
  private key(kind: 'failures' | 'lock', scope: Scope, attempt: LoginAttempt): string {
    const subject = scope === 'username' ? attempt.username.trim().toLowerCase() : attempt.clientIp;
    const digest = createHash('sha256').update(subject).digest('hex').slice(0, 32);
    return `${this.config.REDIS_PREFIX}:login:${kind}:${scope}:${digest}`;
  }
}
