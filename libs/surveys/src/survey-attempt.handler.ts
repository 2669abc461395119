import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { CLOCK, Clock } from '@hotline/common';
import { OUTBOUND_CALL_COMMAND_VERSION } from '@hotline/realtime';
import { SmsGateway } from '@hotline/sms';
import { RatingLevel, WorkingDayCalendarService } from '@hotline/sla';
import { PgBossService, Sql, TransactionRunner } from '@hotline/work-orders';
import { randomUUID } from 'node:crypto';
import { deferredSurveyJobId, SURVEY_QUEUE, SurveyJob, surveyJobId } from './survey-job';
import { SurveyChannelKind, waitAfterAttempt } from './survey-policy';
import { SurveyPolicyCatalog } from './survey-policy.catalog';
import { ratingOptions, surveySmsText } from './survey-rating-scale';
import { SurveyRepository } from './survey.repository';
import { AttemptStatus, SkipReason, Survey, SurveyStatus } from './survey.types';
import { nextSurveyTime } from './survey-window';
import { VoiceSurveyDialer } from './voice-survey.dialer';

/** A voice attempt with no result after this long no longer counts against the concurrency cap. */
const DIALING_STALE_MS = 10 * 60_000;

type Claim =
  | { action: 'none'; why: string }
  | { action: 'send'; survey: Survey; attemptId: string; channel: SurveyChannelKind; orderNumber: string; subject: string };

/**
 * Runs one attempt of a survey, exactly once even when the job runs again (retry, worker restart):
 * 1. claim in a transaction: the attempt row is written `sending` before anything leaves the building;
 * 2. send (SMPP submit, or the survey.call command to call-control);
 * 3. confirm in a transaction: `sent`/`dialing`, the SMS ids, and the next attempt's job after the wait.
 * A job that finds its attempt `sending` knows the worker died between 1 and 3: the SMSC may or may not
 * have it, so it is not sent again (no duplicates) and the next attempt is scheduled (nothing lost).
 * A failed send leaves the attempt `retrying` and throws, so pg-boss retries it with backoff.
 */
@Injectable()
export class SurveyAttemptHandler {
  private readonly logger = new Logger(SurveyAttemptHandler.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: SurveyRepository,
    private readonly policies: SurveyPolicyCatalog,
    private readonly calendars: WorkingDayCalendarService,
    private readonly pgBoss: PgBossService,
    private readonly sms: SmsGateway,
    private readonly dialer: VoiceSurveyDialer,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(job: SurveyJob): Promise<string> {
    const now = this.clock.now();
    const calendar = await this.calendars.calendar();
    const claim = await this.transactions.run((tx) => this.claim(tx, job, now, calendar));
    if (claim.action === 'none') return claim.why;
    const { survey, attemptId, channel } = claim;
    const destination = survey.phone!;
    try {
      if (channel === SurveyChannelKind.Sms) {
        const text = surveySmsText({ hotline: this.config.HOTLINE_NUMBER, orderNumber: claim.orderNumber, subject: claim.subject, levels: survey.ratingLevels });
        const submitted = await this.sms.submit(destination, text);
        await this.transactions.run(async (tx) => {
          await this.repository.insertSmsParts(tx, attemptId, submitted.messageIds, now);
          await this.repository.setAttemptStatus(tx, attemptId, AttemptStatus.Sent, null);
          await this.scheduleNext(tx, survey, job.attemptNo, now);
        });
      } else {
        await this.dialer.dial({
          id: randomUUID(),
          type: 'survey.call',
          version: OUTBOUND_CALL_COMMAND_VERSION,
          issuedAt: now.toISOString(),
          payload: {
            surveyId: survey.id,
            attemptId,
            orderNumber: claim.orderNumber,
            destination,
            callerId: this.config.HOTLINE_NUMBER,
            subject: claim.subject,
            options: ratingOptions(survey.ratingLevels as RatingLevel[]),
            maxPrompts: 3,
            noInputSeconds: 8,
            ringSeconds: 40,
            recordComment: false,
          },
        });
        await this.transactions.run(async (tx) => {
          await this.repository.setAttemptStatus(tx, attemptId, AttemptStatus.Dialing, null);
          await this.scheduleNext(tx, survey, job.attemptNo, now);
        });
      }
      this.logger.log(`Survey ${survey.id} attempt ${job.attemptNo}: ${channel} sent`);
      return `${channel}_sent`;
    } catch (error) {
      await this.transactions.run((tx) => this.repository.setAttemptStatus(tx, attemptId, AttemptStatus.Retrying, null, (error as Error).message));
      throw error;
    }
  }

  private async claim(tx: Sql, job: SurveyJob, now: Date, calendar: Awaited<ReturnType<WorkingDayCalendarService['calendar']>>): Promise<Claim> {
    const survey = await this.repository.lockSurvey(tx, job.surveyId);
    if (!survey) return { action: 'none', why: 'no_survey' };
    if (survey.status !== SurveyStatus.Scheduled && survey.status !== SurveyStatus.InProgress) return { action: 'none', why: survey.status };
    const existing = await this.repository.attempt(tx, survey.id, job.attemptNo);
    if (existing && existing.status === AttemptStatus.Sending) {
      await this.repository.setAttemptStatus(tx, existing.id, AttemptStatus.Unknown, now, 'worker stopped while sending');
      await this.scheduleNext(tx, survey, job.attemptNo, now);
      this.logger.warn(`Survey ${survey.id} attempt ${job.attemptNo}: interrupted while sending; not repeated, next attempt scheduled`);
      return { action: 'none', why: 'interrupted' };
    }
    if (existing && existing.status !== AttemptStatus.Retrying) return { action: 'none', why: 'attempt_done' };

    // A voice attempt call-control never reported on has had its wait: it no longer holds a line.
    await this.repository.markStaleDialing(tx, survey.id, job.attemptNo, now);
    if (job.attemptNo > survey.channelPlan.length) {
      await this.repository.setSurveyStatus(tx, survey.id, SurveyStatus.Exhausted, now);
      this.logger.log(`Survey ${survey.id}: no answer after ${survey.channelPlan.length} attempts; listed for a manual follow-up call`);
      return { action: 'none', why: 'exhausted' };
    }
    if (await this.repository.isOptedOut(tx, survey.phone!)) {
      await this.repository.setSurveyStatus(tx, survey.id, SurveyStatus.Skipped, now, { skipReason: SkipReason.OptedOut });
      return { action: 'none', why: 'opted_out' };
    }
    const policy = this.policies.forPreset(survey.presetCode)!;
    // A retry's backoff or a late worker may land outside working hours: never call or text at night.
    const allowedAt = nextSurveyTime(calendar, now, policy.windows, policy.workingDaysOnly);
    if (allowedAt > now) return this.defer(tx, job, allowedAt, 'outside_window');

    const channel = survey.channelPlan[job.attemptNo - 1];
    if (channel === SurveyChannelKind.Sms && !this.sms.enabled) return this.passOverSms(tx, survey, job.attemptNo, now);
    if (channel === SurveyChannelKind.Voice) {
      // Serialise the cap check across workers so two of them cannot both take the last line.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('survey-voice-caps'))`);
      // Calls per second as calls per window: below 1/s the window widens (0.5/s → one call per 2 s).
      const cps = this.config.SURVEY_VOICE_CALLS_PER_SECOND;
      const rateWindowMs = Math.max(1000, Math.ceil(1000 / cps));
      const load = await this.repository.voiceLoad(tx, now, DIALING_STALE_MS, rateWindowMs);
      if (load.dialing >= this.config.SURVEY_VOICE_MAX_CONCURRENT) return this.defer(tx, job, new Date(now.getTime() + 15_000), 'voice_capped');
      if (load.recent >= Math.max(1, Math.floor((cps * rateWindowMs) / 1000))) return this.defer(tx, job, new Date(now.getTime() + rateWindowMs), 'voice_capped');
    }
    const order = await this.repository.orderInfo(tx, survey.orderId);
    const attemptId = existing
      ? existing.id
      : await this.repository.insertAttempt(tx, { surveyId: survey.id, attemptNo: job.attemptNo, channel, status: AttemptStatus.Sending, destination: survey.phone!, startedAt: now });
    if (existing) await this.repository.setAttemptStatus(tx, existing.id, AttemptStatus.Sending, null);
    return { action: 'send', survey, attemptId, channel, orderNumber: order.number, subject: order.subject };
  }

  /**
   * SMS is off in this deployment: the attempt is not made, and the survey is not silently left hanging.
   * The plan's next non-SMS attempt runs now; with none left, a survey that reached the citizen some other
   * way is exhausted (listed for a manual call), and one never attempted is skipped with reason sms_disabled,
   * which the coverage report lists among the orders not surveyed.
   */
  private async passOverSms(tx: Sql, survey: Survey, attemptNo: number, now: Date): Promise<Claim> {
    const nextOther = survey.channelPlan.findIndex((channel, index) => index >= attemptNo && channel !== SurveyChannelKind.Sms);
    if (nextOther >= 0) {
      // scheduleNext schedules the attempt after the one it is given: nextOther is that attempt's 0-based index.
      await this.scheduleNext(tx, survey, nextOther, now, now);
      this.logger.log(`Survey ${survey.id} attempt ${attemptNo}: SMS disabled, moving on to attempt ${nextOther + 1} (${survey.channelPlan[nextOther]})`);
    } else if (survey.attemptCount > 0) {
      await this.repository.setSurveyStatus(tx, survey.id, SurveyStatus.Exhausted, now);
      this.logger.log(`Survey ${survey.id}: SMS disabled and no other channel left after ${survey.attemptCount} attempts; listed for a manual follow-up call`);
    } else {
      await this.repository.setSurveyStatus(tx, survey.id, SurveyStatus.Skipped, now, { skipReason: SkipReason.SmsDisabled });
      this.logger.warn(`Survey ${survey.id}: not surveyed, its plan has only SMS and SMS is disabled (sms_disabled)`);
    }
    return { action: 'none', why: 'sms_disabled' };
  }

  private async defer(tx: Sql, job: SurveyJob, at: Date, why: string): Promise<Claim> {
    const db = { executeSql: (text: string, values: unknown[]) => tx.query(text, values) };
    await this.pgBoss.boss().send(SURVEY_QUEUE, job, { id: deferredSurveyJobId(job, at), startAfter: at, db });
    return { action: 'none', why };
  }

  /** The next attempt after this one's wait; one past the plan's end closes the survey as exhausted. */
  async scheduleNext(tx: Sql, survey: Survey, attemptNo: number, now: Date, at?: Date): Promise<void> {
    const policy = this.policies.forPreset(survey.presetCode)!;
    const next: SurveyJob = { surveyId: survey.id, attemptNo: attemptNo + 1 };
    const startAfter = at ?? new Date(now.getTime() + waitAfterAttempt(policy, survey.channelPlan, attemptNo) * 60_000);
    const db = { executeSql: (text: string, values: unknown[]) => tx.query(text, values) };
    await this.pgBoss.boss().send(SURVEY_QUEUE, next, { id: at ? deferredSurveyJobId(next, at) : surveyJobId(next), startAfter, db });
  }
}
