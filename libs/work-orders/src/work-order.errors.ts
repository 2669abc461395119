import { DomainError, DomainErrorKind } from '@hotline/org';

/** Every reason a work-order command or query is refused, as stable codes for clients. */
export enum WorkOrderErrorCode {
  NotFound = 'WORK_ORDER_NOT_FOUND',
  IllegalTransition = 'ILLEGAL_TRANSITION',
  StaleVersion = 'STALE_VERSION',
  RoleNotAllowed = 'ROLE_NOT_ALLOWED',
  NotAssignedUnit = 'NOT_ASSIGNED_UNIT',
  NotLeadUnit = 'NOT_LEAD_UNIT',
  InvalidInput = 'INVALID_INPUT',
  CategoryNotFound = 'CATEGORY_NOT_FOUND',
  UnitNotDispatchable = 'UNIT_NOT_DISPATCHABLE',
  DuplicateOpenOrder = 'DUPLICATE_OPEN_ORDER',
  ReturnNotProvided = 'RETURN_NOT_PROVIDED_BY_PRESET',
  ReturnWindowClosed = 'RETURN_WINDOW_CLOSED',
  ArbitrationEscalated = 'ARBITRATION_ESCALATED_TO_MANAGEMENT',
  ExtensionNotProvided = 'EXTENSION_NOT_PROVIDED_BY_PRESET',
  NoDeadlineToExtend = 'NO_DEADLINE_TO_EXTEND',
  ExtensionAfterDeadline = 'EXTENSION_AFTER_DEADLINE',
  ExtensionAlreadyPending = 'EXTENSION_ALREADY_PENDING',
  ExtensionNotPending = 'EXTENSION_NOT_PENDING',
  ExtensionLimitReached = 'EXTENSION_LIMIT_REACHED',
  ExtensionTooLong = 'EXTENSION_TOO_LONG',
  ExtensionTotalExceeded = 'EXTENSION_TOTAL_EXCEEDED',
  NotCoHandler = 'NOT_CO_HANDLER',
  ContributionAlreadyGiven = 'CONTRIBUTION_ALREADY_GIVEN',
  CoHandlerInputMissing = 'CO_HANDLER_INPUT_MISSING',
  RatingLevelNotOnScale = 'RATING_LEVEL_NOT_ON_SCALE',
  IntakeRatingNotSeparate = 'INTAKE_RATING_NOT_SEPARATE',
  RatingAlreadyRecorded = 'RATING_ALREADY_RECORDED',
  RatingRequired = 'RATING_REQUIRED',
  AlreadyContacted = 'CALLER_ALREADY_CONTACTED',
  TooManyLookups = 'TOO_MANY_LOOKUPS',
}

export class WorkOrderNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(reference: string) {
    super(WorkOrderErrorCode.NotFound, `Work order ${reference} does not exist or is not visible to you`, { workOrder: reference });
  }
}

/** The command is not possible from the order's current status. */
export class IllegalTransitionError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(command: string, status: string, allowedFrom: readonly string[]) {
    super(WorkOrderErrorCode.IllegalTransition, `Cannot ${command} a work order that is ${status}`, { command, status, allowedFrom });
  }
}

/** Someone else changed the order since the client read it (optimistic locking). */
export class StaleVersionError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(expected: number, actual: number | null) {
    super(WorkOrderErrorCode.StaleVersion, `The work order changed since version ${expected}; reload and retry`, { expected, actual });
  }
}

/** The status allows the command but one of its preconditions fails. */
export class PreconditionFailedError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(code: WorkOrderErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

export class WorkOrderForbiddenError extends DomainError {
  readonly kind = DomainErrorKind.Forbidden;
  constructor(code: WorkOrderErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

export class InvalidWorkOrderInputError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor(code: WorkOrderErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** The same caller's similar matter is still open and within its deadline: tell them its progress instead. */
export class DuplicateOpenOrderError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(existing: readonly { number: string; status: string; handleDueAt: string | null }[]) {
    super(WorkOrderErrorCode.DuplicateOpenOrder, `The caller's matter is already open as ${existing.map((o) => o.number).join(', ')}`, {
      existing,
    });
  }
}

export class TooManyLookupsError extends DomainError {
  readonly kind = DomainErrorKind.TooManyRequests;
  constructor(retryAfterSeconds: number) {
    super(WorkOrderErrorCode.TooManyLookups, 'Too many progress lookups; try again later', { retryAfterSeconds });
  }
}
