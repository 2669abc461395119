import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthService } from '@hotline/auth';
import { Actor } from '@hotline/org';

interface HealthRequest {
  headers: Record<string, string | string[] | undefined>;
  actor?: Actor;
}

/**
 * Health answers everyone (load balancers send no token), but a Bearer token, when sent, must be valid:
 * a bad one is a 401 with the reason from AuthService, not a quiet downgrade to the anonymous answer.
 */
@Injectable()
export class HealthViewerGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HealthRequest>();
    const header = request.headers.authorization;
    if (header === undefined) return true;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    // A malformed header is passed on as it is, so AuthService refuses it with its usual reason.
    request.actor = await this.auth.authenticate(match ? match[1]! : '');
    return true;
  }
}

/** The caller set by HealthViewerGuard, or null when anonymous. */
export const HealthViewer = createParamDecorator((_: unknown, context: ExecutionContext): Actor | null => {
  return context.switchToHttp().getRequest<HealthRequest>().actor ?? null;
});
