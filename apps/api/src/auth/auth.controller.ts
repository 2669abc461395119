import { Body, Controller, Get, HttpCode, Inject, Ip, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { Actor } from '@hotline/org';
import { AuthGuard, AuthService, CurrentActor } from '@hotline/auth';
import { z } from 'zod';
import { AuthenticatedErrors, JsonBody, JsonOk } from '../work-orders/api-docs';
import { errorSchema } from '../work-orders/work-order.schemas';
import { openApi, ZodPipe } from '../work-orders/zod-request';

const loginSchema = z.strictObject({
  username: z.string().trim().min(1, 'must not be empty').max(64),
  password: z.string().min(1, 'must not be empty').max(200),
});

const loginResultSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds'),
  user: z.object({ id: z.uuid(), username: z.string(), displayName: z.string(), roles: z.array(z.string()), unitId: z.uuid() }),
});

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; send the token as Authorization: Bearer <token>' })
  @JsonBody(loginSchema)
  @JsonOk(loginResultSchema)
  @ApiUnauthorizedResponse({ schema: openApi(errorSchema), description: 'INVALID_CREDENTIALS' })
  @ApiTooManyRequestsResponse({
    schema: openApi(errorSchema),
    description: 'LOGIN_LOCKED: too many failures for this username or from this address; wait Retry-After seconds',
  })
  login(@Body(new ZodPipe(loginSchema)) body: z.output<typeof loginSchema>, @Ip() clientIp: string) {
    return this.auth.login(body.username, body.password, this.config.JWT_TTL_SECONDS, clientIp);
  }

  @Get('me')
  @UseGuards(AuthGuard)
  @ApiOperation({ summary: 'Who the token belongs to: roles and unit, as read now' })
  @AuthenticatedErrors()
  me(@CurrentActor() actor: Actor): Actor {
    return actor;
  }
}
