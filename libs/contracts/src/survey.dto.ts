/** How quality staff classify a dissatisfied rating: policy or objective limits close it, handling reopens the order. */
export type FollowUpCause = 'policy' | 'objective' | 'handling';

/** As GET /api/surveys/follow-ups answers (libs/surveys FollowUpTask, dates as ISO strings). */
export interface FollowUpDto {
  id: string;
  orderId: string;
  orderNumber: string;
  subject: string;
  round: number;
  ratingLevel: string;
  /** The rating that raised the follow-up: how it was given, the citizen's comment, when. */
  surveyChannel: string | null;
  comment: string | null;
  ratedAt: string | null;
  status: 'open' | 'classified';
  cause: FollowUpCause | null;
  notes: string | null;
  createdAt: string;
  classifiedAt: string | null;
}

/** As GET /api/work-orders/:id/ratings answers: one per survey round. */
export interface OrderRatingDto {
  round: number;
  handlingLevel: string;
  intakeLevel: string | null;
  surveyChannel: string;
  comment: string | null;
  ratedAt: string;
}
