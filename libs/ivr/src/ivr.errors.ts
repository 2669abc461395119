import { DomainError, DomainErrorKind } from '@hotline/common';
import type { IvrFlowIssue } from './ivr-flow.validator';

export enum IvrErrorCode {
  InvalidFlow = 'IVR_FLOW_INVALID',
  FlowNotFound = 'IVR_FLOW_NOT_FOUND',
  VersionNotFound = 'IVR_FLOW_VERSION_NOT_FOUND',
  TransferNotAllowed = 'IVR_TRANSFER_NOT_ALLOWED',
  NothingToRollBackTo = 'IVR_NOTHING_TO_ROLL_BACK_TO',
  LineNotFound = 'LINE_NOT_FOUND',
  SkillNotFound = 'SKILL_NOT_FOUND',
}

/** A flow document that breaks the schema or the graph rules; each issue has the path of the error. */
export class InvalidIvrFlowError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor(readonly issues: IvrFlowIssue[]) {
    super(IvrErrorCode.InvalidFlow, issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), {
      issues: issues.map((issue) => ({ field: issue.path, rule: 'ivr', message: issue.message })),
    });
  }
}

export class IvrFlowNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(name: string) {
    super(IvrErrorCode.FlowNotFound, `IVR flow "${name}" does not exist`, { name });
  }
}

export class IvrFlowVersionNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(name: string, version: number) {
    super(IvrErrorCode.VersionNotFound, `IVR flow "${name}" has no version ${version}`, { name, version });
  }
}

/** A transfer node names a number that is not on the centre's allow-list. */
export class TransferNotAllowedError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor(readonly numbers: Array<{ path: string; number: string }>) {
    super(IvrErrorCode.TransferNotAllowed, `Not on the transfer allow-list: ${numbers.map((entry) => `${entry.path} (${entry.number})`).join(', ')}`, {
      issues: numbers.map((entry) => ({ field: entry.path, rule: 'transfer-allow-list', message: `${entry.number} is not an allowed transfer destination` })),
    });
  }
}

export class NothingToRollBackToError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(name: string) {
    super(IvrErrorCode.NothingToRollBackTo, `IVR flow "${name}" has no earlier published version to roll back to`, { name });
  }
}

export class LineNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(number: string) {
    super(IvrErrorCode.LineNotFound, `No line ${number}`, { number });
  }
}

export class SkillNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(skill: string) {
    super(IvrErrorCode.SkillNotFound, `No skill "${skill}"`, { skill });
  }
}
