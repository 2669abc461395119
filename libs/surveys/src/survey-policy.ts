export enum SurveyChannelKind {
  Voice = 'voice',
  Sms = 'sms',
}

/** A stretch of the day, in China time, "HH:MM". */
export interface DayWindow {
  from: string;
  to: string;
}

export interface ChannelStep {
  channel: SurveyChannelKind;
  attempts: number;
  /** After an attempt on this channel, wait this long for the answer before the next attempt. */
  waitMinutes: number;
}

/**
 * How a jurisdiction runs its satisfaction survey (回访): data, like the SLA presets it is keyed by. The
 * rating scale itself comes from the SLA preset (`rules.rating`), which the regulations set.
 */
export interface SurveyPolicy {
  presetCode: string;
  /** Let the caller receive the unit's answer before asking how it went. */
  delayAfterCloseMinutes: number;
  /** When citizens may be called or texted: working hours, never at night. */
  windows: DayWindow[];
  workingDaysOnly: boolean;
  /** Channels in order, each with its attempts: e.g. voice twice, then SMS. */
  channels: ChannelStep[];
}

export type ChannelPlan = SurveyChannelKind[];

/** One entry per attempt, in order: the survey's plan, stored with it so a policy change does not bend it. */
export function expandChannelPlan(policy: SurveyPolicy): ChannelPlan {
  return policy.channels.flatMap((step) => Array.from({ length: step.attempts }, () => step.channel));
}

/** How long to wait for an answer after attempt `attemptNo` (1-based) before the next one. */
export function waitAfterAttempt(policy: SurveyPolicy, plan: ChannelPlan, attemptNo: number): number {
  const channel = plan[attemptNo - 1];
  return policy.channels.find((step) => step.channel === channel)?.waitMinutes ?? 60;
}
