export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Exponential backoff with full jitter, so many reconnecting processes don't hammer Asterisk in step. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions, private readonly random: () => number = Math.random) {}

  nextDelayMs(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.attempt);
    this.attempt += 1;
    return Math.max(this.options.initialMs / 2, Math.round(ceiling * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
