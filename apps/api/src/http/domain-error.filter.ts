import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import type { ApiErrorDto } from '@hotline/contracts';
import { CallNotFoundError, InvalidCallsQueryError } from '@hotline/calls';

type DomainError = InvalidCallsQueryError | CallNotFoundError;

/**
 * The one place where domain errors become HTTP answers, so services stay free of HTTP. Anything not listed
 * here (Nest's own HttpExceptions, bugs) keeps Nest's default handling: 4xx as thrown, 500 logged.
 */
@Catch(InvalidCallsQueryError, CallNotFoundError)
export class DomainErrorFilter implements ExceptionFilter<DomainError> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: DomainError, host: ArgumentsHost): void {
    const body = DomainErrorFilter.toBody(error);
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, body.statusCode);
  }

  static toBody(error: DomainError): ApiErrorDto {
    if (error instanceof InvalidCallsQueryError) {
      return { ...DomainErrorFilter.status(HttpStatus.BAD_REQUEST), message: error.message, issues: [...error.issues] };
    }
    return { ...DomainErrorFilter.status(HttpStatus.NOT_FOUND), message: error.message };
  }

  private static status(statusCode: HttpStatus): Pick<ApiErrorDto, 'statusCode' | 'error'> {
    return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error' };
  }
}
