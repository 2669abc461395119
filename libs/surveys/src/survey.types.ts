import type { FollowUpDto } from '@hotline/contracts';
import { RatingLevel } from '@hotline/sla';
import { SurveyChannelKind } from './survey-policy';

export enum SurveyStatus {
  Scheduled = 'scheduled',
  InProgress = 'in_progress',
  Rated = 'rated',
  /** Not asked at all, with a reason (no_contact, opted_out, no_phone). */
  Skipped = 'skipped',
  /** Every attempt made, no answer: listed in the coverage report for a manual call. */
  Exhausted = 'exhausted',
  /** The order was rated another way (manual call, online) before this survey got an answer. */
  Superseded = 'superseded',
}

export const OPEN_SURVEY_STATUSES = [SurveyStatus.Scheduled, SurveyStatus.InProgress] as const;

export enum SkipReason {
  NoContact = 'no_contact', // 要求不回复
  OptedOut = 'opted_out',
  NoPhone = 'no_phone',
  SmsDisabled = 'sms_disabled', // the plan's only channel is SMS and this deployment has none (SMS_ENABLED off)
}

export enum AttemptStatus {
  Sending = 'sending',
  Retrying = 'retrying',
  Sent = 'sent',
  Dialing = 'dialing',
  Answered = 'answered',
  NoAnswer = 'no_answer',
  Busy = 'busy',
  Failed = 'failed',
  /** The worker died between claiming and confirming the send: not repeated, the next attempt follows. */
  Unknown = 'unknown',
}

export interface Survey {
  id: string;
  orderId: string;
  round: number;
  presetCode: string;
  phone: string | null;
  status: SurveyStatus;
  skipReason: string | null;
  ratingLevels: RatingLevel[];
  channelPlan: SurveyChannelKind[];
  attemptCount: number;
  firstAttemptAt: Date;
  ratedLevel: string | null;
  ratedChannel: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface SurveyAttempt {
  id: string;
  surveyId: string;
  attemptNo: number;
  channel: SurveyChannelKind;
  status: AttemptStatus;
  destination: string;
  startedAt: Date;
}

export enum FollowUpCauseKind {
  Policy = 'policy',
  Objective = 'objective',
  /** The unit's handling: the order is reopened (重办). */
  Handling = 'handling',
}

/** As FollowUpDto (what the api answers), with dates as dates and the cause as this library's enum. */
export interface FollowUpTask extends Omit<FollowUpDto, 'cause' | 'ratedAt' | 'createdAt' | 'classifiedAt'> {
  cause: FollowUpCauseKind | null;
  ratedAt: Date | null;
  createdAt: Date;
  classifiedAt: Date | null;
}
