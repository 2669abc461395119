import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthenticationError, AuthErrorCode, AuthService, RoleRequiredError } from '@hotline/auth';
import { Actor, CENTRE_ROLES } from '@hotline/org';
import { EventStreamTicketService } from './event-stream-ticket.service';

interface StreamRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  actor?: Actor;
}

/**
 * Who opens the event stream: a Bearer header (servers, tests) or a one-time `?ticket=` (browsers, see
 * EventStreamTicketService). Either way the bearer token is checked by AuthService, as AuthGuard does, and
 * only the centre's roles may listen: the events carry callers' numbers.
 */
@Injectable()
export class EventStreamGuard implements CanActivate {
  constructor(private readonly auth: AuthService, private readonly tickets: EventStreamTicketService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<StreamRequest>();
    request.actor = await this.auth.authenticate(await this.bearerToken(request));
    if (!request.actor.roles.some((role) => CENTRE_ROLES.has(role))) throw new RoleRequiredError([...CENTRE_ROLES]);
    return true;
  }

  private async bearerToken(request: StreamRequest): Promise<string> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (match) return match[1]!;
    const ticket = request.query.ticket;
    if (ticket === undefined) {
      throw new AuthenticationError(
        AuthErrorCode.TokenMissing,
        'Log in first: open the stream with ?ticket= from POST /api/events/ticket (EventSource cannot send headers), or send Authorization: Bearer <token>',
      );
    }
    const token = typeof ticket === 'string' ? await this.tickets.redeem(ticket) : null;
    if (token === null) {
      throw new AuthenticationError(AuthErrorCode.TokenInvalid, 'The stream ticket is unknown, already used or expired: get a new one from POST /api/events/ticket');
    }
    return token;
  }
}
