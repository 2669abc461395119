import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { DomainError, DomainErrorKind } from '@hotline/common';

const STATUS: Record<DomainErrorKind, HttpStatus> = {
  [DomainErrorKind.Invalid]: HttpStatus.BAD_REQUEST,
  [DomainErrorKind.Unauthenticated]: HttpStatus.UNAUTHORIZED,
  [DomainErrorKind.Forbidden]: HttpStatus.FORBIDDEN,
  [DomainErrorKind.NotFound]: HttpStatus.NOT_FOUND,
  [DomainErrorKind.Conflict]: HttpStatus.CONFLICT,
  [DomainErrorKind.TooManyRequests]: HttpStatus.TOO_MANY_REQUESTS,
  [DomainErrorKind.Unavailable]: HttpStatus.SERVICE_UNAVAILABLE,
};

export interface DomainErrorBody {
  statusCode: number;
  error: string;
  /** Stable reason code, e.g. ILLEGAL_TRANSITION, STALE_VERSION, RETURN_WINDOW_CLOSED. */
  code: string;
  message: string;
  details: Record<string, unknown>;
  issues?: { field: string; rule: string; message: string }[];
}

interface HttpResponse {
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
}

/**
 * The one place where domain errors (calls, work orders, org, auth, ...) become HTTP answers: the error's
 * kind picks the status, its code and details go into the body. Services never speak HTTP. Anything else
 * (Nest's own HttpExceptions, bugs) keeps Nest's default handling: 4xx as thrown, 500 logged.
 */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter<DomainError> {
  private readonly logger = new Logger(DomainErrorFilter.name);

  catch(error: DomainError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    const body = DomainErrorFilter.toBody(error);
    if (error.kind === DomainErrorKind.TooManyRequests && typeof error.details.retryAfterSeconds === 'number') {
      response.setHeader('Retry-After', String(error.details.retryAfterSeconds));
    }
    this.logger.debug(`${body.statusCode} ${body.code}: ${body.message}`);
    response.status(body.statusCode).json(body);
  }

  static toBody(error: DomainError): DomainErrorBody {
    const statusCode = STATUS[error.kind];
    const issues = (error.details as { issues?: DomainErrorBody['issues'] }).issues;
    const details = { ...error.details };
    delete details.issues;
    return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code: error.code, message: error.message, details, ...(issues ? { issues } : {}) };
  }
}
