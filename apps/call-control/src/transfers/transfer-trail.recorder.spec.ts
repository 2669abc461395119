import { Logger } from '@nestjs/common';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallRecordNotWrittenError } from '../calls/call-record.errors';
import { TransferTrailRecorder } from './transfer-trail.recorder';

const CALL = '11111111-1111-4111-8111-111111111111';
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

/** The call's row is held back until `callRowWritten`, the way afterCallRowEvenIfLate holds rows during an outage. */
function setup() {
  let callRowWritten!: () => void;
  const callRow = new Promise<void>((resolve) => (callRowWritten = resolve));
  const writes: string[] = [];
  const calls = {
    afterCallRowEvenIfLate: jest.fn(async (_callId: string, write: () => Promise<unknown>, late: (error: CallRecordNotWrittenError) => void) => {
      late(new CallRecordNotWrittenError(CALL, 5_000));
      await callRow;
      return write();
    }),
  };
  const recorder = new TransferTrailRecorder(calls as unknown as CallLogRepository);
  const row = (id: string | null) => async () => {
    writes.push(`row ${id}`);
    return id;
  };
  const step = (name: string) => async (id: string) => void writes.push(`${name} ${id}`);
  return { recorder, writes, row, step, callRowWritten, pending: () => (recorder as unknown as { latest: Map<string, unknown> }).latest.size };
}

describe('TransferTrailRecorder', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => (logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined)));
  afterEach(() => logged.mockRestore());

  it("writes an IVR transfer's late row and its end before an agent transfer's row on the same call (whose insert would close it)", async () => {
    const { recorder, writes, row, step, callRowWritten, pending } = setup();
    const ivr = recorder.open(CALL, 'ivr trail', row('ivr-1'), 'meanwhile');
    recorder.step(ivr, 'end (busy)', step('end'));
    const agent = recorder.open(CALL, 'agent trail', row('agent-1'), 'meanwhile');
    recorder.step(agent, 'answered', step('answered'));
    await settle();
    expect(writes).toEqual([]);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^ivr trail: .*5000 ms.*; meanwhile$/));

    callRowWritten();
    await settle();
    expect(writes).toEqual(['row ivr-1', 'end ivr-1', 'row agent-1', 'answered agent-1']);
    expect(await agent.written).toBe('agent-1');
    // Nothing is kept for a call once its trails are written.
    expect(pending()).toBe(0);
  });

  it('a row there is to be none of, or that fails, is logged with each step it could not record; later trails are still written', async () => {
    const { recorder, writes, row, step, callRowWritten } = setup();
    const refused = recorder.open(CALL, 'first', row(null), 'meanwhile');
    recorder.step(refused, 'end (completed)', step('end'));
    const failing = recorder.open(CALL, 'second', async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')), 'meanwhile');
    recorder.step(failing, 'answered', step('answered'));
    const third = recorder.open(CALL, 'third', row('t-3'), 'meanwhile');
    callRowWritten();
    expect(await third.written).toBe('t-3');
    expect(writes).toEqual(['row null', 'row t-3']);
    expect(logged.mock.calls.map(([message]) => message).filter((message: string) => !message.includes('5000 ms'))).toEqual([
      'first: end (completed) not recorded, it has no trail row',
      'second not written: connect ECONNREFUSED 127.0.0.1:5432',
      'second: answered not recorded, it has no trail row',
    ]);
  });

  it('a step that fails is logged and the steps after it are still written', async () => {
    const { recorder, writes, step } = setup();
    const trail = recorder.existing(CALL, 'read back', 'r-1');
    recorder.step(trail, 'answered', async () => Promise.reject(new Error('deadlock detected')));
    recorder.step(trail, 'end (completed)', step('end'));
    expect(await trail.written).toBe('r-1');
    expect(writes).toEqual(['end r-1']);
    expect(logged).toHaveBeenCalledWith('read back: answered not recorded: deadlock detected');
  });
});
