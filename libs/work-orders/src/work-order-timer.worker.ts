import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type PgBoss from 'pg-boss';
import { PgBossService } from './pg-boss.service';
import { WorkOrderTimerHandler } from './work-order-timer.handler';
import { TimerJob, WORK_ORDER_TIMER_QUEUE } from './work-order-timer';

export const TIMER_WORKER_OPTIONS = Symbol('TIMER_WORKER_OPTIONS');

const BATCH_SIZE = 50;

export interface TimerWorkerOptions {
  /** Off for processes that only enqueue (and for tests that fire timers by hand). */
  enabled: boolean;
  /** How often an idle worker looks for due timers; deadlines are minutes to days, so seconds are plenty. */
  pollingIntervalSeconds: number;
}

/** Runs due timers. Lives in the api for now (architecture.md: "worker may live in api at first"). */
@Injectable()
export class WorkOrderTimerWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(WorkOrderTimerWorker.name);

  constructor(
    private readonly pgBoss: PgBossService,
    private readonly handler: WorkOrderTimerHandler,
    @Inject(TIMER_WORKER_OPTIONS) private readonly options: TimerWorkerOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.enabled) {
      this.logger.log('Timer worker disabled in this process');
      return;
    }
    const { pollingIntervalSeconds } = this.options;
        // pg-boss 10 waits a full polling interval between fetches even when a fetch was full, so timers are
    // taken in batches: deadlines that end with a day all fall due at 00:00 together.
    await this.pgBoss.boss().work<TimerJob>(WORK_ORDER_TIMER_QUEUE, { batchSize: BATCH_SIZE, pollingIntervalSeconds }, async (jobs: PgBoss.Job<TimerJob>[]) => {
      const failures: Error[] = [];
      for (const job of jobs) {
        try {
          await this.handler.handle(job.data);
        } catch (error) {
          this.logger.error(`Timer job ${job.id} (${job.data.kind} for ${job.data.orderId}) failed: ${(error as Error).message}`, (error as Error).stack);
          failures.push(error as Error);
        }
      }
      // pg-boss fails or completes a batch as a whole: on any failure the batch is retried, which is safe
      // because the handler's effects are idempotent (the jobs that succeeded find their work done).
      if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${jobs.length} timer jobs failed`);
    });
    this.logger.log(`Working on ${WORK_ORDER_TIMER_QUEUE} every ${pollingIntervalSeconds}s`);
  }
}
