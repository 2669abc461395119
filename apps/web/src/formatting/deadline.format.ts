import type { DeadlineStateDto } from '@hotline/contracts';

/** Element Plus tag type per deadline state: the inbox's traffic light. */
export function deadlineTagType(state: DeadlineStateDto): 'success' | 'warning' | 'danger' | 'info' {
  if (state === 'overdue') return 'danger';
  if (state === 'due_soon') return 'warning';
  if (state === 'on_time') return 'success';
  return 'info';
}

/**
 * The state as of `now` (the page's ticking clock), so a row turns amber then red while the page is open,
 * without a reload. Same thresholds as the server (due soon: within 24 h).
 */
export function liveDeadlineState(serverState: DeadlineStateDto, dueAt: string | null, now: number): DeadlineStateDto {
  if (!dueAt || serverState === 'finished' || serverState === 'no_deadline') return serverState;
  const left = Date.parse(dueAt) - now;
  if (left <= 0) return 'overdue';
  return left <= 24 * 3600_000 ? 'due_soon' : 'on_time';
}

export interface CountdownParts {
  overdue: boolean;
  days: number;
  hours: number;
  minutes: number;
}

export function countdown(dueAt: string, now: number): CountdownParts {
  const diff = Date.parse(dueAt) - now;
  const abs = Math.abs(diff);
  return {
    overdue: diff <= 0,
    days: Math.floor(abs / 86_400_000),
    hours: Math.floor((abs % 86_400_000) / 3_600_000),
    minutes: Math.floor((abs % 3_600_000) / 60_000),
  };
}
