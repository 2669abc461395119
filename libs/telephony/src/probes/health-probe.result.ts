/** What a probe found. Probes never throw: a failure is a finding, reported with a reason people can act on. */
export type HealthProbeResult =
  | { up: true; latencyMs: number; version?: string }
  | { up: false; latencyMs: number; reason: string };

interface ErrorLike {
  message?: unknown;
  cause?: unknown;
}

const messageOf = (value: unknown): string | undefined => {
  const message = (value as ErrorLike | null)?.message;
  return typeof message === 'string' && message.length > 0 ? message : undefined;
};

/**
 * fetch's errors say only "fetch failed"; the useful part (connect ECONNREFUSED 127.0.0.1:8088) is in `cause`.
 * Duck-typed rather than `instanceof Error`, because errors from Node internals can come from another realm.
 */
export function describeProbeFailure(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    return messageOf((error as ErrorLike).cause) ?? messageOf(error) ?? String(error);
  }
  return String(error);
}
