import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { TransactionRunner, WorkOrderRepository } from '@hotline/work-orders';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { SurveyAttemptHandler } from './survey-attempt.handler';
import { SURVEY_QUEUE } from './survey-job';
import { waitAfterAttempt } from './survey-policy';
import { SurveyPolicyCatalog } from './survey-policy.catalog';
import { SurveyRepository } from './survey.repository';
import { SurveyScheduler } from './survey.scheduler';
import { AttemptStatus } from './survey.types';

/**
 * The hook schedules each survey in the closing transaction, so a gap can only come from orders closed
 * before this module existed (or with it switched off). The worker runs this at start: every order at the
 * rating step without a survey for its round gets one now, so no order is silently left unasked.
 */
@Injectable()
export class SurveyReconciler {
  private readonly logger = new Logger(SurveyReconciler.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly orders: WorkOrderRepository,
    private readonly scheduler: SurveyScheduler,
    private readonly surveys: SurveyRepository,
    private readonly attempts: SurveyAttemptHandler,
    private readonly policies: SurveyPolicyCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get schema(): string {
    return this.config.PGBOSS_SCHEMA;
  }

  async reconcile(limit = 1000): Promise<number> {
    const { rows } = await this.transactions.sql().query<{ id: string }>(
      `SELECT o.id FROM work_orders o
       WHERE o.status = 'closed' AND o.rating_round <= o.reopen_count
         AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.order_id = o.id AND s.round = o.reopen_count + 1)
       ORDER BY o.closed_at LIMIT $1`,
      [limit],
    );
    for (const { id } of rows) {
      await this.transactions.run(async (tx) => {
        const order = await this.orders.findById(tx, id);
        if (order) await this.scheduler.schedule(tx, order, this.clock.now());
      });
    }
    if (rows.length > 0) this.logger.warn(`Scheduled ${rows.length} survey(s) for closed orders that had none`);
    return rows.length + (await this.requeueOrphans(limit));
  }

  /**
   * An open survey must always have a job waiting (its next attempt, or the one that closes it as
   * exhausted). One without (a job deleted by hand, a failed job past its retries) is picked up again: its
   * unfinished attempt is re-run now, or the attempt after its last one is queued for when its wait ends.
   */
  private async requeueOrphans(limit: number): Promise<number> {
    const { rows } = await this.transactions.sql().query<{ id: string }>(
      `SELECT s.id FROM surveys s
       WHERE s.status IN ('scheduled', 'in_progress')
         AND NOT EXISTS (SELECT 1 FROM ${this.schema}.job j
                         WHERE j.name = $1 AND j.data->>'surveyId' = s.id::text AND j.state IN ('created', 'retry', 'active'))
       ORDER BY s.created_at LIMIT $2`,
      [SURVEY_QUEUE, limit],
    );
    for (const { id } of rows) {
      await this.transactions.run(async (tx) => {
        const survey = await this.surveys.lockSurvey(tx, id);
        if (!survey) return;
        const now = this.clock.now();
        const last = survey.attemptCount > 0 ? await this.surveys.attempt(tx, survey.id, survey.attemptCount) : null;
        if (!last) return this.attempts.scheduleNext(tx, survey, 0, now, survey.firstAttemptAt > now ? survey.firstAttemptAt : now);
        if (last.status === AttemptStatus.Sending || last.status === AttemptStatus.Retrying) return this.attempts.scheduleNext(tx, survey, last.attemptNo - 1, now, now);
        const policy = this.policies.forPreset(survey.presetCode);
        const waitMs = (policy ? waitAfterAttempt(policy, survey.channelPlan, last.attemptNo) : 0) * 60_000;
        const due = new Date(last.startedAt.getTime() + waitMs);
        return this.attempts.scheduleNext(tx, survey, last.attemptNo, now, due > now ? due : now);
      });
    }
    if (rows.length > 0) this.logger.warn(`Re-queued ${rows.length} open survey(s) that had no job waiting`);
    return rows.length;
  }
}
