import { Sql } from './pg-transaction';

/** What a durable timer does when it fires. */
export enum TimerKind {
  DispatchOverdue = 'dispatch_overdue',
  SignReminder = 'sign_reminder',
  SignOverdue = 'sign_overdue',
  ContactOverdue = 'contact_overdue',
  HandleReminder = 'handle_reminder',
  HandleOverdue = 'handle_overdue',
  /** Re-checks an overdue order after a supervision; still not done → the next supervision level. */
  SupervisionRecheck = 'supervision_recheck',
}

export interface TimerRequest {
  orderId: string;
  kind: TimerKind;
  fireAt: Date;
  /** The deadline the timer is about: a timer whose deadline has since moved (extension, reply) does nothing. */
  dueAt: Date;
  level?: number;
}

export interface TimerJob {
  orderId: string;
  kind: TimerKind;
  dueAt: string;
  level?: number;
}

export const WORK_ORDER_TIMER_QUEUE = 'work-order-timers';

/** Stable per (order, kind, deadline, level): scheduling the same timer twice yields one job. */
export function timerKey(timer: Pick<TimerRequest, 'orderId' | 'kind' | 'dueAt' | 'level'>): string {
  return `${timer.orderId}:${timer.kind}:${timer.dueAt.toISOString()}:${timer.level ?? 0}`;
}

/** Durable timers, enqueued on the caller's transaction so they exist if and only if the change commits. */
export abstract class TimerScheduler {
  abstract schedule(tx: Sql, timers: readonly TimerRequest[]): Promise<void>;
}
