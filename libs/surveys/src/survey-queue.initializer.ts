import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { PgBossService } from '@hotline/work-orders';
import { SURVEY_QUEUE } from './survey-job';

/**
 * pg-boss 10 sends only to queues that exist, and every process that closes orders enqueues surveys, so the
 * queue is created (idempotently) wherever the survey module runs, not only in the worker.
 */
@Injectable()
export class SurveyQueueInitializer implements OnModuleInit {
  constructor(private readonly pgBoss: PgBossService, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    await this.pgBoss.boss().createQueue(SURVEY_QUEUE, {
      name: SURVEY_QUEUE,
      retryLimit: this.config.SURVEY_RETRY_LIMIT,
      retryDelay: this.config.SURVEY_RETRY_DELAY_SECONDS,
      retryBackoff: true,
      // An attempt still active after this long died with its worker and is run again (and finds its row).
      expireInSeconds: this.config.TIMER_JOB_EXPIRE_SECONDS,
      // pg-boss deletes a job still waiting 14 days after its start time by default: a worker outage that
      // long (or a survey deferred that far) would silently lose the survey. Keep waiting jobs for a year.
      retentionMinutes: 366 * 24 * 60,
    });
  }
}
