import { DomainError, DomainErrorKind } from './domain.error';

export enum OrgErrorCode {
  UnitNotFound = 'UNIT_NOT_FOUND',
  UserNotFound = 'USER_NOT_FOUND',
  UnitCodeTaken = 'UNIT_CODE_TAKEN',
  UsernameTaken = 'USERNAME_TAKEN',
  UnitRoleOutsideUnit = 'UNIT_ROLE_OUTSIDE_UNIT',
  ParentUnitMissing = 'PARENT_UNIT_MISSING',
  CategoryCodeTaken = 'CATEGORY_CODE_TAKEN',
  ParentCategoryMissing = 'PARENT_CATEGORY_MISSING',
  CategoryCodeOutsideParent = 'CATEGORY_CODE_OUTSIDE_PARENT',
}

export class UnitNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(reference: string) {
    super(OrgErrorCode.UnitNotFound, `Unit ${reference} does not exist`, { unit: reference });
  }
}

export class UserNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(reference: string) {
    super(OrgErrorCode.UserNotFound, `User ${reference} does not exist`, { user: reference });
  }
}

export class OrgConflictError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(code: OrgErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** Bad input the schema cannot see (a parent that does not exist): 400 with the reason. */
export class OrgInvalidInputError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor(code: OrgErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
