import { estimateWaitSeconds } from './ewt.calculator';

describe('estimateWaitSeconds', () => {
  it('is zero when a ready agent can take the caller', () => {
    expect(estimateWaitSeconds({ position: 2, ready: 2, working: 5, handleTimeSeconds: 200 })).toBe(0);
  });

  it('grows with the callers ahead and shrinks with the agents working', () => {
    const one = estimateWaitSeconds({ position: 6, ready: 0, working: 2, handleTimeSeconds: 120 });
    const more = estimateWaitSeconds({ position: 6, ready: 0, working: 6, handleTimeSeconds: 120 });
    expect(one).toBe(Math.round(2.5 * 120));
    expect(more).toBe(60);
    expect(estimateWaitSeconds({ position: 12, ready: 0, working: 2, handleTimeSeconds: 120 })).toBeGreaterThan(one!);
  });

  it('uses the rolling handle time, not a fixed average', () => {
    expect(estimateWaitSeconds({ position: 3, ready: 0, working: 1, handleTimeSeconds: 60 })).toBe(150);
    expect(estimateWaitSeconds({ position: 3, ready: 0, working: 1, handleTimeSeconds: 300 })).toBe(750);
  });

  it('says "unknown" when nobody works the queue', () => {
    expect(estimateWaitSeconds({ position: 1, ready: 0, working: 0, handleTimeSeconds: 60 })).toBeNull();
  });
});
