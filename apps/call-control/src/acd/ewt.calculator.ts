/** Handle time assumed before a queue has any history (seconds). */
export const DEFAULT_HANDLE_TIME_SECONDS = 180;

export interface EwtInput {
  /** 1-based place of the caller in the queue. */
  position: number;
  /** Agents of the skill ready right now: the first `ready` callers need not wait for anyone to finish. */
  ready: number;
  /** Agents of the skill logged in and working (ready, ringing, on a call, in wrap-up): not "not ready". */
  working: number;
  /** Rolling handle time of the skill (talk + wrap-up), seconds; null before the first call. */
  handleTimeSeconds: number | null;
}

/**
 * Estimated wait in seconds. Not a plain average of past waits: callers ahead are served in rounds of the
 * agents actually working, each round taking the queue's recent handle time, and callers that ready agents
 * can take at once wait nothing. With nobody working, the wait is unknown (null) rather than a guess.
 */
export function estimateWaitSeconds(input: EwtInput): number | null {
  if (input.position <= input.ready) return 0;
  if (input.working <= 0) return null;
  const handle = input.handleTimeSeconds ?? DEFAULT_HANDLE_TIME_SECONDS;
  const ahead = input.position - input.ready;
  // The caller at position p is served when p - ready agents have finished: ceil(ahead / working) rounds,
  // the first of them half done on average.
  return Math.round((Math.ceil(ahead / input.working) - 0.5) * handle);
}
