import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { OrgModule } from '@hotline/org';
import { AuditRetentionScheduler, AuditRetentionService } from './audit-retention.service';
import { AuthGuard } from './auth.guards';
import { AuthService } from './auth.service';
import { LoginAuditRepository, PostgresLoginAuditRepository } from './login-audit.repository';
import { LoginThrottle, RedisLoginThrottle } from './login-throttle';
import { Argon2PasswordHasher, PasswordHasher } from './password-hasher';

/** Fixed only outside production (the config schema refuses production without JWT_SECRET). */
const DEVELOPMENT_JWT_SECRET = 'hotline12345-development-only-secret';

@Module({
  imports: [
    OrgModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
        signOptions: { expiresIn: config.JWT_TTL_SECONDS, issuer: 'hotline12345' },
        verifyOptions: { issuer: 'hotline12345' },
      }),
    }),
  ],
  providers: [
    { provide: PasswordHasher, useClass: Argon2PasswordHasher },
    { provide: LoginAuditRepository, useClass: PostgresLoginAuditRepository },
    { provide: LoginThrottle, useClass: RedisLoginThrottle },
    AuthService,
    AuthGuard,
    AuditRetentionService,
    AuditRetentionScheduler,
  ],
  exports: [AuthService, AuthGuard, PasswordHasher, LoginThrottle, AuditRetentionService, OrgModule],
})
export class AuthModule {}
