import { admissionVerdict } from './survey-call.admission';

describe('admissionVerdict (caps on survey calls)', () => {
  const limits = { maxConcurrent: 2, callsPerSecond: 2, maxInboundWaiting: 0 };
  const idle = { active: 0, lastStartMs: null, inboundWaiting: 0, nowMs: 10_000 };

  it('admits a call when nothing is up', () => {
    expect(admissionVerdict(limits, idle)).toEqual({ admit: true });
  });

  it('refuses while the concurrent calls are at the cap', () => {
    expect(admissionVerdict(limits, { ...idle, active: 2 })).toMatchObject({ admit: false, reason: 'concurrency' });
    expect(admissionVerdict(limits, { ...idle, active: 1 })).toEqual({ admit: true });
  });

  it('spaces call starts by 1/cps and says how long to wait', () => {
    expect(admissionVerdict(limits, { ...idle, lastStartMs: 9_800 })).toEqual({ admit: false, reason: 'rate', retryInMs: 300 });
    expect(admissionVerdict(limits, { ...idle, lastStartMs: 9_500 })).toEqual({ admit: true });
  });

  it('pauses surveys while more inbound callers wait than allowed, before any other cap', () => {
    expect(admissionVerdict(limits, { ...idle, inboundWaiting: 1, active: 2 })).toMatchObject({ admit: false, reason: 'inbound' });
    expect(admissionVerdict({ ...limits, maxInboundWaiting: 3 }, { ...idle, inboundWaiting: 3 })).toEqual({ admit: true });
    expect(admissionVerdict({ ...limits, maxInboundWaiting: 3 }, { ...idle, inboundWaiting: 4 })).toMatchObject({ admit: false, reason: 'inbound' });
  });
});
