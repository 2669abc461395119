import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { AuthenticationError, AuthErrorCode } from '@hotline/auth';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { REDIS_CLIENT } from '@hotline/redis';

/** Long enough for a page to open the stream right after asking; short enough that a logged URL is useless. */
export const EVENT_STREAM_TICKET_TTL_SECONDS = 30;

/**
 * Tickets for opening the event stream from a browser. EventSource cannot send an Authorization header, so
 * the credential has to travel in the URL, and URLs end up in access logs, proxy logs and browser history.
 * Putting the login JWT there (`?access_token=`) would leak a token good for every route for hours; a cookie
 * would need the login to set one and every route to defend against CSRF. A ticket is random, opens this one
 * read-only stream, works once and only for 30 s, and maps to the caller's bearer token, which the same
 * AuthService then checks as the Bearer guard does (user still active, roles read fresh).
 */
@Injectable()
export class EventStreamTicketService {
  private readonly prefix: string;

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis, @Inject(APP_CONFIG) config: AppConfig) {
    this.prefix = `${config.REDIS_PREFIX}:event-stream-ticket:`;
  }

  /** For the caller whose Authorization header AuthGuard has just accepted. */
  async issue(authorization: string): Promise<{ ticket: string; expiresIn: number }> {
    const bearerToken = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    if (!bearerToken) throw new AuthenticationError(AuthErrorCode.TokenMissing, 'Send Authorization: Bearer <token> (POST /auth/login)');
    const ticket = randomBytes(32).toString('base64url');
    await this.redis.set(this.prefix + ticket, bearerToken, 'EX', EVENT_STREAM_TICKET_TTL_SECONDS, 'NX');
    return { ticket, expiresIn: EVENT_STREAM_TICKET_TTL_SECONDS };
  }

  /** The bearer token the ticket was issued for, or null when it is unknown, used or expired. Single use. */
  async redeem(ticket: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(ticket)) return null;
    return this.redis.getdel(this.prefix + ticket);
  }
}
