import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Actor, Role } from '@hotline/org';
import { AuthenticationError, AuthErrorCode, RoleRequiredError } from './auth.errors';
import { AuthService } from './auth.service';

const ROLES_KEY = 'hotline:roles';

/** Limits a handler to some roles; without it any authenticated user passes (the domain checks further). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

interface RequestWithActor {
  headers: Record<string, string | string[] | undefined>;
  actor?: Actor;
}

/** The authenticated actor of the request (set by AuthGuard). */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new AuthenticationError(AuthErrorCode.TokenMissing, 'Not authenticated');
  return actor;
});

/** Bearer JWT → actor, then the handler's @Roles. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly auth: AuthService, private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new AuthenticationError(AuthErrorCode.TokenMissing, 'Send Authorization: Bearer <token> (POST /auth/login)');
    request.actor = await this.auth.authenticate(match[1]);
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (required?.length && !request.actor.roles.some((role) => required.includes(role))) throw new RoleRequiredError(required);
    return true;
  }
}
