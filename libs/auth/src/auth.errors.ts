import { DomainError, DomainErrorKind } from '@hotline/org';

export enum AuthErrorCode {
  InvalidCredentials = 'INVALID_CREDENTIALS',
  TokenMissing = 'TOKEN_MISSING',
  TokenInvalid = 'TOKEN_INVALID',
  RoleRequired = 'ROLE_REQUIRED',
}

export class AuthenticationError extends DomainError {
  readonly kind = DomainErrorKind.Unauthenticated;
  constructor(code: AuthErrorCode, message: string) {
    super(code, message);
  }
}

export class RoleRequiredError extends DomainError {
  readonly kind = DomainErrorKind.Forbidden;
  constructor(required: readonly string[]) {
    super(AuthErrorCode.RoleRequired, `This needs one of the roles: ${required.join(', ')}`, { required });
  }
}
