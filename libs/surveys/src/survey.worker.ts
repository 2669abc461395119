import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SmsGateway } from '@hotline/sms';
import { PgBossService } from '@hotline/work-orders';
import type PgBoss from 'pg-boss';
import { hostname } from 'node:os';
import { SmsInboundHandler } from './sms-inbound.handler';
import { SurveyAttemptHandler } from './survey-attempt.handler';
import { SurveyCallResultConsumer } from './survey-call-result.consumer';
import { SURVEY_QUEUE, SurveyJob } from './survey-job';
import { SurveyReconciler } from './survey.reconciler';

export const SURVEY_WORKER_OPTIONS = Symbol('SURVEY_WORKER_OPTIONS');

export interface SurveyWorkerOptions {
  /** Off for processes that only schedule surveys (and for tests that run attempts by hand). */
  enabled: boolean;
  pollingIntervalSeconds: number;
}

/**
 * Runs due survey attempts, receives SMS replies and receipts, and reads call-control's survey call results.
 * Lives in the api for now (architecture.md: "worker may live in api at first").
 */
@Injectable()
export class SurveyWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SurveyWorker.name);
  private started = false;

  constructor(
    private readonly pgBoss: PgBossService,
    private readonly attempts: SurveyAttemptHandler,
    private readonly inbound: SmsInboundHandler,
    private readonly sms: SmsGateway,
    private readonly callResults: SurveyCallResultConsumer,
    private readonly reconciler: SurveyReconciler,
    @Inject(SURVEY_WORKER_OPTIONS) private readonly options: SurveyWorkerOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.enabled) {
      this.logger.log('Survey worker disabled in this process');
      return;
    }
    this.started = true;
    this.sms.onInbound((sms) => this.inbound.handle(sms));
    await this.sms.start();
    await this.callResults.start(`${hostname()}-${process.pid}`);
    await this.reconciler.reconcile();
    // One job at a time per fetch: each attempt is a network send, and a failure must retry only itself.
    await this.pgBoss.boss().work<SurveyJob>(SURVEY_QUEUE, { batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds }, async ([job]: PgBoss.Job<SurveyJob>[]) => {
      try {
        await this.attempts.handle(job.data);
      } catch (error) {
        this.logger.error(`Survey job ${job.id} (survey ${job.data.surveyId} attempt ${job.data.attemptNo}) failed: ${(error as Error).message}`);
        throw error; // pg-boss retries with backoff
      }
    });
    this.logger.log(`Working on ${SURVEY_QUEUE} every ${this.options.pollingIntervalSeconds}s`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.started) await this.callResults.stop();
  }
}
