import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@hotline/common';
import { HotlineCommandFailure, HotlineCommandPayloads, HotlineCommandType } from '@hotline/realtime';
import { CommandNotDeliveredError, RedisCommandBus } from '@hotline/redis';

const KIND: Record<HotlineCommandFailure['kind'], DomainErrorKind> = {
  invalid: DomainErrorKind.Invalid,
  not_found: DomainErrorKind.NotFound,
  conflict: DomainErrorKind.Conflict,
  forbidden: DomainErrorKind.Forbidden,
  unavailable: DomainErrorKind.Unavailable,
};

/**
 * call-control refused a command for a domain reason; its code (e.g. CALL_NOT_ACTIVE, or CALL_RECORD_NOT_WRITTEN
 * with 503 while Postgres is out) goes to the client, which shows it.
 */
export class CallControlRefusedError extends DomainError {
  readonly kind: DomainErrorKind;
  constructor(failure: HotlineCommandFailure) {
    super(failure.code, failure.message);
    this.kind = KIND[failure.kind as keyof typeof KIND] ?? DomainErrorKind.Conflict;
  }
}

/**
 * The api's side of the one command interface to call-control (Redis, typed in @hotline/realtime).
 * Controllers call this; nothing in the api talks to Asterisk.
 */
@Injectable()
export class CallControlClient {
  private readonly logger = new Logger(CallControlClient.name);

  constructor(private readonly bus: RedisCommandBus) {}

  async send<T extends HotlineCommandType>(type: T, payload: HotlineCommandPayloads[T]): Promise<Record<string, unknown>> {
    let result;
    try {
      result = await this.bus.send(type, payload);
    } catch (error) {
      if (error instanceof CommandNotDeliveredError) {
        this.logger.warn(error.message);
        throw new ServiceUnavailableException(`call-control is not reachable (${error.reason}); try again shortly`);
      }
      throw error;
    }
    if (result.ok) return result.result;
    throw new CallControlRefusedError(result.error);
  }
}
