import { Module } from '@nestjs/common';
import { OrgModule } from '@hotline/org';
import { SlaModule } from '@hotline/sla';
import { DuplicateDetector } from './duplicate-detector';
import { PgBossService } from './pg-boss.service';
import { PgBossTimerScheduler } from './pg-boss-timer.scheduler';
import { PgTransactionRunner, TransactionRunner } from './pg-transaction';
import { ProgressLookupService } from './progress-lookup.service';
import { RateLimiter, RedisRateLimiter } from './rate-limiter';
import { WorkOrderLifecycleService } from './work-order-lifecycle.service';
import { SEARCH_WINDOW, WorkOrderQueryService } from './work-order-query.service';
import { WorkOrderTimerHandler } from './work-order-timer.handler';
import { TIMER_WORKER_OPTIONS, TimerWorkerOptions, WorkOrderTimerWorker } from './work-order-timer.worker';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { TimerScheduler } from './work-order-timer';
import { WorkOrderRepository } from './work-order.repository';
import { WorkOrderChangeHooks } from './work-order-change.hooks';
import { WorkOrderCallLinkService } from './work-order-call-link.service';

/**
 * The work-order context: lifecycle commands, queries, durable timers, progress lookup. Needs from the root:
 * APP_CONFIG (ConfigModule), a TypeORM DataSource (DatabaseModule) and REDIS_CLIENT (RedisModule).
 */
@Module({
  imports: [SlaModule, OrgModule],
  providers: [
    { provide: TransactionRunner, useClass: PgTransactionRunner },
    { provide: TimerScheduler, useClass: PgBossTimerScheduler },
    { provide: RateLimiter, useClass: RedisRateLimiter },
    {
      provide: TIMER_WORKER_OPTIONS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): TimerWorkerOptions => ({ enabled: true, pollingIntervalSeconds: config.TIMER_POLL_SECONDS }),
    },
    WorkOrderRepository,
    DuplicateDetector,
    WorkOrderChangeHooks,
    PgBossService,
    WorkOrderLifecycleService,
    WorkOrderQueryService,
    { provide: SEARCH_WINDOW, useValue: null },
    WorkOrderTimerHandler,
    WorkOrderTimerWorker,
    ProgressLookupService,
    WorkOrderCallLinkService,
  ],
  exports: [WorkOrderCallLinkService, WorkOrderLifecycleService, WorkOrderChangeHooks, TransactionRunner, PgBossService, WorkOrderRepository, WorkOrderQueryService, ProgressLookupService, WorkOrderTimerHandler, SlaModule, OrgModule],
})
export class WorkOrdersModule {}
