import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { CLOCK, Clock } from '@hotline/common';
import { timingSafeEqual } from 'node:crypto';
import { TransactionRunner } from './pg-transaction';
import { RateLimiter } from './rate-limiter';
import { WORK_ORDER_NUMBER } from './work-order-number';
import { TooManyLookupsError, WorkOrderNotFoundError } from './work-order.errors';
import { WorkOrderRepository } from './work-order.repository';
import { STATUS_LABELS, WorkOrderStatus } from './work-order.types';
import { deadlineState, DeadlineState } from './work-order.view';

/** What a caller learns about their order: progress, never content, units' findings or anyone's identity. */
export interface ProgressView {
  number: string;
  status: WorkOrderStatus;
  statusLabel: string;
  type: string;
  receivedAt: string;
  dispatched: boolean;
  handleDueAt: string | null;
  deadlineState: DeadlineState;
  repliedAt: string | null;
  closedAt: string | null;
}

/**
 * Citizen progress lookup by order number + the last 4 digits of the caller's phone: for the web and, later,
 * the IVR's progress menu. Rate-limited per client and per order number, so the 4 digits cannot be guessed
 * (10,000 combinations against a handful of attempts a minute). A wrong number and wrong digits answer the
 * same, so the lookup does not reveal which orders exist.
 */
@Injectable()
export class ProgressLookupService {
  private readonly logger = new Logger(ProgressLookupService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: WorkOrderRepository,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async lookup(number: string, phoneLast4: string, clientKey: string): Promise<ProgressView> {
    const limit = this.config.PROGRESS_LOOKUP_PER_MINUTE;
    for (const key of [`progress:client:${clientKey}`, `progress:order:${number}`]) {
      const decision = await this.limiter.attempt(key, limit, 60);
      if (!decision.allowed) {
        this.logger.warn(`Progress lookups over limit for ${key}`);
        throw new TooManyLookupsError(decision.retryAfterSeconds);
      }
    }
    const order = WORK_ORDER_NUMBER.test(number) ? await this.repository.findByNumber(this.transactions.sql(), number) : null;
    const digits = order?.callerPhone.replace(/\D/g, '').slice(-4) ?? '0000';
    const matches = order !== null && /^\d{4}$/.test(phoneLast4) && timingSafeEqual(Buffer.from(digits), Buffer.from(phoneLast4.padEnd(4, 'x').slice(0, 4)));
    if (!order || !matches) throw new WorkOrderNotFoundError(number);
    return {
      number: order.number,
      status: order.status,
      statusLabel: STATUS_LABELS[order.status],
      type: order.type,
      receivedAt: order.receivedAt.toISOString(),
      dispatched: order.dispatchedAt !== null,
      handleDueAt: order.handleDueAt?.toISOString() ?? null,
      deadlineState: deadlineState(order, this.clock.now()),
      repliedAt: order.repliedAt?.toISOString() ?? null,
      closedAt: order.closedAt?.toISOString() ?? null,
    };
  }
}
