import { Injectable, Logger } from '@nestjs/common';
import { Actor, Role } from '@hotline/org';
import { RatingLevel } from '@hotline/sla';
import { StaleVersionError, SurveyChannel, TransactionRunner, WorkOrderLifecycleService, WorkOrderStatus } from '@hotline/work-orders';
import { levelForDigit } from './survey-rating-scale';
import { SurveyRepository } from './survey.repository';
import { Survey, SurveyStatus } from './survey.types';

/** Who records an automated survey's rating in the order's event log. */
export const SURVEY_ACTOR: Actor = Object.freeze({ userId: null, username: 'survey', roles: [Role.Quality], unitId: null });

export type RatingOutcome = 'rated' | 'invalid_digit' | 'survey_closed' | 'order_not_awaiting_rating';

/**
 * Puts a citizen's answer on the order through the lifecycle's own `rate` command, so the rating, the
 * dissatisfied → follow-up transition and the survey's closing (the scheduler's hook) commit together.
 */
@Injectable()
export class SurveyResultService {
  private readonly logger = new Logger(SurveyResultService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: SurveyRepository,
    private readonly lifecycle: WorkOrderLifecycleService,
  ) {}

  async rate(survey: Survey, digit: string, channel: SurveyChannel.Sms | SurveyChannel.VoiceCallback, comment: string | null = null): Promise<RatingOutcome> {
    if (survey.status !== SurveyStatus.Scheduled && survey.status !== SurveyStatus.InProgress) return 'survey_closed';
    const level = levelForDigit(survey.ratingLevels as RatingLevel[], digit);
    if (!level) return 'invalid_digit';
    // Two tries: a staff member may change the order between our read and the command (optimistic lock).
    for (let attempt = 1; ; attempt += 1) {
      const order = await this.repository.orderInfo(this.transactions.sql(), survey.orderId);
      if (order.status !== WorkOrderStatus.Closed) return 'order_not_awaiting_rating';
      try {
        await this.lifecycle.rate(SURVEY_ACTOR, survey.orderId, order.version, { handlingLevel: level, surveyChannel: channel, comment });
        this.logger.log(`Work order ${order.number}: rated ${level} by ${channel} (survey ${survey.id}, round ${survey.round})`);
        return 'rated';
      } catch (error) {
        if (error instanceof StaleVersionError && attempt < 3) continue;
        throw error;
      }
    }
  }
}
