import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SlaPresetCatalog, WorkingDayCalendarService } from '@hotline/sla';
import {
  ContactPreference,
  FollowUpCause,
  isRatingDue,
  PgBossService,
  Sql,
  SurveyChannel,
  WorkOrder,
  WorkOrderChange,
  WorkOrderChangeHooks,
  WorkOrderChangeListener,
  WorkOrderCommand,
  WorkOrderStatus,
} from '@hotline/work-orders';
import { SURVEY_QUEUE, SurveyJob, surveyJobId } from './survey-job';
import { SurveyPolicyCatalog } from './survey-policy.catalog';
import { expandChannelPlan } from './survey-policy';
import { normalisePhone } from './survey-rating-scale';
import { SurveyRepository } from './survey.repository';
import { FollowUpCauseKind, SkipReason, SurveyStatus } from './survey.types';
import { nextSurveyTime } from './survey-window';

/**
 * The survey context's hook into the work-order lifecycle, run inside each command's transaction: when an
 * order reaches the rating step its survey row and first attempt job are written with the change (so a
 * closed order without its survey cannot exist); a rating closes the survey and, if dissatisfied, opens the
 * quality staff's follow-up; the follow-up's conclusion or reopen (重办) records the classified cause.
 */
@Injectable()
export class SurveyScheduler implements WorkOrderChangeListener, OnModuleInit {
  private readonly logger = new Logger(SurveyScheduler.name);

  constructor(
    private readonly hooks: WorkOrderChangeHooks,
    private readonly repository: SurveyRepository,
    private readonly policies: SurveyPolicyCatalog,
    private readonly presets: SlaPresetCatalog,
    private readonly calendars: WorkingDayCalendarService,
    private readonly pgBoss: PgBossService,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async onWorkOrderChange(tx: Sql, change: WorkOrderChange): Promise<void> {
    const { after, before, command, now } = change;
    if (isRatingDue(after) && !(before && isRatingDue(before))) await this.schedule(tx, after, now);
    if (command === WorkOrderCommand.Rate) await this.rated(tx, change);
    if (command === WorkOrderCommand.ConcludeFollowUp) {
      const cause = change.payload.cause === FollowUpCause.Policy ? FollowUpCauseKind.Policy : FollowUpCauseKind.Objective;
      await this.repository.classifyFollowUp(tx, after.id, after.ratingRound, cause, String(change.payload.notes ?? ''), change.actor.userId, now);
    }
    if (command === WorkOrderCommand.Reopen && before) {
      await this.repository.classifyFollowUp(tx, after.id, before.ratingRound, FollowUpCauseKind.Handling, String(change.payload.reason ?? ''), change.actor.userId, now);
    }
  }

  /** Writes the survey of the order's current round and enqueues its first attempt (or records why not). */
  async schedule(tx: Sql, order: WorkOrder, now: Date): Promise<void> {
    const round = order.reopenCount + 1;
    const policy = this.policies.forPreset(order.presetCode);
    const preset = await this.presets.version(order.presetCode, order.presetVersion);
    const phone = order.callerPhone ? normalisePhone(order.callerPhone) : '';
    const skip =
      order.contactPreference === ContactPreference.NoContact ? SkipReason.NoContact
      : !phone ? SkipReason.NoPhone
      : (await this.repository.isOptedOut(tx, phone)) ? SkipReason.OptedOut
      : !policy ? 'no_policy'
      : null;
    const firstAttemptAt = policy
      ? nextSurveyTime(await this.calendars.calendar(), new Date(now.getTime() + policy.delayAfterCloseMinutes * 60_000), policy.windows, policy.workingDaysOnly)
      : now;
    const surveyId = await this.repository.insertSurvey(tx, {
      orderId: order.id,
      round,
      presetCode: order.presetCode,
      phone: phone || null,
      status: skip ? SurveyStatus.Skipped : SurveyStatus.Scheduled,
      skipReason: skip,
      ratingLevels: preset.rules.rating.levels,
      channelPlan: policy ? expandChannelPlan(policy) : [],
      firstAttemptAt,
      createdAt: now,
      finishedAt: skip ? now : null,
    });
    if (!surveyId) return; // this round's survey exists already
    if (skip) {
      this.logger.log(`Work order ${order.number} round ${round}: not surveyed (${skip})`);
      return;
    }
    const job: SurveyJob = { surveyId, attemptNo: 1 };
    const db = { executeSql: (text: string, values: unknown[]) => tx.query(text, values) };
    await this.pgBoss.boss().send(SURVEY_QUEUE, job, { id: surveyJobId(job), startAfter: firstAttemptAt, db });
    this.logger.log(`Work order ${order.number} round ${round}: survey scheduled for ${firstAttemptAt.toISOString()}`);
  }

  private async rated(tx: Sql, change: WorkOrderChange): Promise<void> {
    const { after, now, payload } = change;
    const round = after.ratingRound;
    const survey = await this.repository.surveyForRound(tx, after.id, round);
    const channel = String(payload.surveyChannel ?? '');
    const automated = channel === SurveyChannel.Sms || channel === SurveyChannel.VoiceCallback;
    if (survey && (survey.status === SurveyStatus.Scheduled || survey.status === SurveyStatus.InProgress)) {
      // Rated by hand (manual call, online) while the automated survey was running: stop asking.
      await this.repository.setSurveyStatus(tx, survey.id, automated ? SurveyStatus.Rated : SurveyStatus.Superseded, now, {
        ratedLevel: String(payload.handlingLevel),
        ratedChannel: channel,
      });
    }
    if (after.status === WorkOrderStatus.FollowUp) {
      await this.repository.insertFollowUp(tx, { orderId: after.id, round, ratingLevel: String(payload.handlingLevel), at: now });
    }
  }
}
