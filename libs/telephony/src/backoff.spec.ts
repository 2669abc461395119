import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles the ceiling up to the maximum and resets', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1_000 }, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.nextDelayMs())).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(backoff.attempts).toBe(6);
    backoff.reset();
    expect(backoff.nextDelayMs()).toBe(100);
  });

  it('never waits less than half the initial delay, even with zero jitter', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1_000 }, () => 0);
    expect(backoff.nextDelayMs()).toBe(50);
  });
});
