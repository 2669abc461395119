import type { DataSource } from 'typeorm';
import { CallLogRepository } from './call-log.repository';
import { CallRecordNotWrittenError } from './call-record.errors';
import { CallTimelineWriter, WrittenUrgency } from './call-timeline.writer';

/** The writer's waits, settled by hand: `soon` is the bounded wait, `eventually` the one that waits on. */
function setup() {
  const waits: Array<{ urgency: WrittenUrgency; resolve: () => void; reject: (error: Error) => void }> = [];
  const timeline = {
    callWritten: jest.fn((_callId: string, urgency: WrittenUrgency) => new Promise<void>((resolve, reject) => waits.push({ urgency, resolve, reject }))),
  };
  const repository = new CallLogRepository({} as DataSource, timeline as unknown as CallTimelineWriter);
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { repository, timeline, waits, settle };
}

describe('CallLogRepository: rows that reference the call row', () => {
  it('afterCallRow writes once the call row is in, and not when the bounded wait gives up', async () => {
    const { repository, waits, settle } = setup();
    const write = jest.fn(async () => 'row-1');
    const written = repository.afterCallRow('c1', write);
    await settle();
    expect(write).not.toHaveBeenCalled();
    waits[0]!.resolve();
    await expect(written).resolves.toBe('row-1');

    const refused = repository.afterCallRow('c2', write);
    waits[1]!.reject(new CallRecordNotWrittenError('c2', 5_000));
    await expect(refused).rejects.toBeInstanceOf(CallRecordNotWrittenError);
    expect(write).toHaveBeenCalledTimes(1);
    expect(waits.map((wait) => wait.urgency)).toEqual(['soon', 'soon']);
  });

  it('afterCallRowEvenIfLate reports a late call row, then waits on and writes when it is in', async () => {
    const { repository, waits, settle } = setup();
    const write = jest.fn(async () => 'trail-1');
    const late = jest.fn();
    const written = repository.afterCallRowEvenIfLate('c1', write, late);
    waits[0]!.reject(new CallRecordNotWrittenError('c1', 5_000));
    await settle();
    expect(late).toHaveBeenCalledWith(expect.objectContaining({ code: 'CALL_RECORD_NOT_WRITTEN' }));
    expect(write).not.toHaveBeenCalled();
    expect(waits.map((wait) => wait.urgency)).toEqual(['soon', 'eventually']);
    waits[1]!.resolve();
    await expect(written).resolves.toBe('trail-1');
  });

  it('afterCallRowEvenIfLate writes at once when the call row is in time, and passes any other failure on', async () => {
    const { repository, waits } = setup();
    const late = jest.fn();
    const inTime = repository.afterCallRowEvenIfLate('c1', async () => 'ok', late);
    waits[0]!.resolve();
    await expect(inTime).resolves.toBe('ok');
    const broken = repository.afterCallRowEvenIfLate('c2', async () => 'never', late);
    waits[1]!.reject(new Error('Redis is gone'));
    await expect(broken).rejects.toThrow('Redis is gone');
    expect(late).not.toHaveBeenCalled();
  });
});
