import { Logger } from '@nestjs/common';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallRecordNotWrittenError } from '../calls/call-record.errors';
import { CallTransferRepository, NewCallTransfer } from './call-transfer.repository';
import { TransferTrailJournal, TransferTrailOp } from './transfer-trail.journal';
import { TransferTrailRecorder } from './transfer-trail.recorder';

const CALL = '11111111-1111-4111-8111-111111111111';
const AT = new Date('2026-12-03T08:00:00Z');
const POLICE = { id: 'd-110', number: '110', name: '公安报警', emergency: true, ringTimeoutSeconds: 30 };
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const rowOf = (id: string, mode: NewCallTransfer['mode'] = 'ivr'): NewCallTransfer => ({ id, callId: CALL, destination: POLICE, mode, agentId: null, requestedBy: 'ivr', startedAt: AT });

/** The journal as Redis would hold it: a list per call. */
class FakeJournal implements Pick<TransferTrailJournal, 'push' | 'pop' | 'pending'> {
  readonly lists = new Map<string, TransferTrailOp[]>();
  async push(callId: string, op: TransferTrailOp): Promise<void> {
    this.lists.set(callId, [...(this.lists.get(callId) ?? []), op]);
  }
  async pop(callId: string): Promise<void> {
    const rest = (this.lists.get(callId) ?? []).slice(1);
    if (rest.length > 0) this.lists.set(callId, rest);
    else this.lists.delete(callId);
  }
  async pending(): Promise<Map<string, TransferTrailOp[]>> {
    return new Map(this.lists);
  }
  kinds(callId: string): string[] {
    return (this.lists.get(callId) ?? []).map((op) => op.kind);
  }
}

/** The call's row is held back until `callRowWritten`, the way afterCallRowEvenIfLate holds rows during an outage. */
function setup(journal = new FakeJournal()) {
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
  const rows = {
    started: jest.fn(async (row: NewCallTransfer) => void writes.push(`row ${row.id}`)),
    answered: jest.fn(async (id: string) => void writes.push(`answered ${id}`)),
    conference: jest.fn(async (id: string) => void writes.push(`three-way ${id}`)),
    ended: jest.fn(async (id: string, outcome: string) => void writes.push(`ended ${id} ${outcome}`)),
  };
  const recorder = new TransferTrailRecorder(calls as unknown as CallLogRepository, rows as unknown as CallTransferRepository, journal as unknown as TransferTrailJournal);
  return { recorder, writes, rows, journal, callRowWritten, pending: () => (recorder as unknown as { chains: Map<string, unknown> }).chains.size };
}

describe('TransferTrailRecorder', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => (logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined)));
  afterEach(() => logged.mockRestore());

  it("writes an IVR transfer's late row and its end before an agent transfer's row on the same call (whose insert would close it)", async () => {
    const { recorder, writes, callRowWritten, pending } = setup();
    const ivr = recorder.open(CALL, 'ivr trail', async () => rowOf('ivr-1'), 'meanwhile');
    recorder.step(ivr, { kind: 'ended', outcome: 'busy', at: AT, cause: 17 });
    const agent = recorder.open(CALL, 'agent trail', async () => rowOf('agent-1', 'warm'), 'meanwhile');
    recorder.step(agent, { kind: 'answered', at: AT });
    await settle();
    expect(writes).toEqual([]);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^ivr trail: .*5000 ms.*; meanwhile$/));

    callRowWritten();
    expect(await agent.written).toBe(true);
    expect(writes).toEqual(['row ivr-1', 'ended ivr-1 busy', 'row agent-1', 'answered agent-1']);
    // Nothing is kept for a call once its trails are written.
    expect(pending()).toBe(0);
  });

  it('keeps every write in Redis as it happens, while the call row is late, and takes each out once it is in Postgres', async () => {
    const { recorder, journal, callRowWritten } = setup();
    const trail = recorder.open(CALL, 'agent trail', async () => rowOf('t-1', 'warm'), 'meanwhile');
    recorder.step(trail, { kind: 'answered', at: AT });
    recorder.step(trail, { kind: 'ended', outcome: 'completed', at: AT, cause: null });
    await settle();
    expect(journal.kinds(CALL)).toEqual(['started', 'answered', 'ended']);
    callRowWritten();
    await trail.written;
    await settle();
    expect(journal.lists.size).toBe(0);
  });

  it('writes what an earlier process left in Redis, in order and ahead of new writes for the call, once per process', async () => {
    const journal = new FakeJournal();
    journal.lists.set(CALL, [
      { kind: 'started', row: rowOf('old-1') },
      { kind: 'answered', trailId: 'old-1', at: AT },
      { kind: 'ended', trailId: 'old-1', outcome: 'completed', at: AT, cause: null },
    ]);
    const { recorder, writes, callRowWritten } = setup(journal);
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      await recorder.resumePending();
      await recorder.resumePending();
      const next = recorder.open(CALL, 'agent trail', async () => rowOf('new-1', 'warm'), 'meanwhile');
      callRowWritten();
      await next.written;
      await settle();
      expect(writes).toEqual(['row old-1', 'answered old-1', 'ended old-1 completed', 'row new-1']);
      expect(journal.lists.size).toBe(0);
      expect(warned).toHaveBeenCalledTimes(1);
    } finally {
      warned.mockRestore();
    }
  });

  it('a row there is to be none of, or that fails, is logged with each step it could not record; later trails are still written', async () => {
    const { recorder, rows, writes, callRowWritten } = setup();
    const refused = recorder.open(CALL, 'first', async () => null, 'meanwhile');
    recorder.step(refused, { kind: 'ended', outcome: 'completed', at: AT, cause: null });
    rows.started.mockRejectedValueOnce(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const failing = recorder.open(CALL, 'second', async () => rowOf('t-2'), 'meanwhile');
    recorder.step(failing, { kind: 'answered', at: AT });
    const third = recorder.open(CALL, 'third', async () => rowOf('t-3'), 'meanwhile');
    callRowWritten();
    expect(await third.written).toBe(true);
    expect(writes).toEqual(['row t-3']);
    expect(logged.mock.calls.map(([message]) => message).filter((message: string) => !message.includes('5000 ms'))).toEqual([
      'first: end (completed) not recorded, it has no trail row',
      'second not written: connect ECONNREFUSED 127.0.0.1:5432',
      'second: answered not recorded, it has no trail row',
    ]);
  });

  it('a step that fails is logged and the steps after it are still written', async () => {
    const { recorder, rows, writes, callRowWritten } = setup();
    callRowWritten();
    const trail = recorder.existing(CALL, 'read back', 'r-1');
    rows.answered.mockRejectedValueOnce(new Error('deadlock detected'));
    recorder.step(trail, { kind: 'answered', at: AT });
    recorder.step(trail, { kind: 'ended', outcome: 'completed', at: AT, cause: null });
    expect(await trail.written).toBe(true);
    expect(writes).toEqual(['ended r-1 completed']);
    expect(logged).toHaveBeenCalledWith('read back: answered not recorded: deadlock detected');
  });
});
