import { jobId } from '@hotline/work-orders';

export const SURVEY_QUEUE = 'survey-attempts';

/** Run attempt `attemptNo` of a survey (one past the plan's end closes it as exhausted). */
export interface SurveyJob {
  surveyId: string;
  attemptNo: number;
}

/** One job per attempt: scheduling an attempt twice (a retry, a restart) inserts it once. */
export function surveyJobId(job: SurveyJob): string {
  return jobId(`survey:${job.surveyId}:${job.attemptNo}`);
}

/** An attempt moved (outside the window, calls capped, receipt says undelivered) gets a job per new time. */
export function deferredSurveyJobId(job: SurveyJob, at: Date): string {
  return jobId(`survey:${job.surveyId}:${job.attemptNo}:at:${at.toISOString()}`);
}
