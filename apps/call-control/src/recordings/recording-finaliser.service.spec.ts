import { AppConfig } from '@hotline/config';
import { Clock } from '@hotline/common';
import { RecordingRecord, RecordingRepository, RecordingStore } from '@hotline/recordings';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { RecordingFinaliser } from './recording-finaliser.service';

const open = (overrides: Partial<RecordingRecord> = {}): RecordingRecord => ({
  id: 'rec-1',
  callId: 'call-1',
  kind: 'call',
  channelId: 'node-1.1',
  filePath: '20261123/node-1.1.wav',
  format: 'wav',
  status: 'recording',
  startedAt: new Date(0),
  endedAt: null,
  durationMs: null,
  sizeBytes: null,
  sha256: null,
  ...overrides,
});

describe('RecordingFinaliser', () => {
  const clock: Clock = { now: () => new Date('2026-11-23T10:00:00Z') };
  let repository: { listByCall: jest.Mock; finalise: jest.Mock; markMissing: jest.Mock; listUnfinalisedOfEndedCalls: jest.Mock };
  let store: { root: string; closed: jest.Mock; inspect: jest.Mock };
  let events: Array<{ type: string; payload: Record<string, unknown> }>;
  let finaliser: RecordingFinaliser;

  beforeEach(() => {
    repository = {
      listByCall: jest.fn(async () => [open()]),
      finalise: jest.fn(async () => open({ status: 'finalised' })),
      markMissing: jest.fn(async () => open({ status: 'missing' })),
      listUnfinalisedOfEndedCalls: jest.fn(async () => []),
    };
    store = { root: '/store', closed: jest.fn(async () => true), inspect: jest.fn(async () => ({ sizeBytes: 112_364, durationMs: 7_020, sha256: 'ab'.repeat(32) })) };
    events = [];
    const calls = { appendEvent: jest.fn(async (_id: string, type: string, _at: Date, payload: Record<string, unknown>) => void events.push({ type, payload })) };
    finaliser = new RecordingFinaliser(
      repository as unknown as RecordingRepository,
      store as unknown as RecordingStore,
      calls as unknown as CallLogRepository,
      { publish: jest.fn() } as unknown as CallEventPublisher,
      clock,
      { RECORDING_FINALISE_TIMEOUT_MS: 300 } as AppConfig,
    );
  });

  it('stores duration, size and checksum once MixMonitor has closed the file (complete WAV header)', async () => {
    store.closed.mockResolvedValueOnce(null).mockResolvedValueOnce(false);
    await finaliser.finaliseCall('call-1', 'node-1.1');
    expect(store.closed).toHaveBeenCalledTimes(3);
    expect(repository.finalise).toHaveBeenCalledWith({ id: 'rec-1' }, { endedAt: clock.now(), sizeBytes: 112_364, durationMs: 7_020, sha256: 'ab'.repeat(32) });
    expect(events).toEqual([{ type: 'recording.finalised', payload: expect.objectContaining({ recordingId: 'rec-1', status: 'finalised', durationMs: 7_020 }) }]);
  });

  it('measures a file whose header was never completed, as it is', async () => {
    store.closed.mockResolvedValue(false);
    await finaliser.finaliseCall('call-1', 'node-1.1');
    expect(repository.finalise).toHaveBeenCalled();
  });

  it('marks a recording missing (and says so) when the file never appears', async () => {
    store.closed.mockResolvedValue(null);
    await finaliser.finaliseCall('call-1', 'node-1.1');
    expect(repository.markMissing).toHaveBeenCalledWith({ id: 'rec-1' }, clock.now());
    expect(repository.finalise).not.toHaveBeenCalled();
    expect(events[0]).toMatchObject({ type: 'recording.finalised', payload: { status: 'missing' } });
  });

  it("finalises the call's own recording by its file, without looking the call's recordings up", async () => {
    await finaliser.finaliseCall('call-1', 'node-1.1', Promise.resolve(), '20261123/node-1.1.wav');
    expect(repository.listByCall).not.toHaveBeenCalled();
    expect(store.closed).toHaveBeenCalledWith('20261123/node-1.1.wav');
    expect(repository.finalise).toHaveBeenCalledWith({ filePath: '20261123/node-1.1.wav' }, expect.objectContaining({ durationMs: 7_020 }));
    expect(events).toEqual([{ type: 'recording.finalised', payload: expect.objectContaining({ recordingId: 'rec-1', callId: 'call-1', status: 'finalised' }) }]);
  });

  it('publishes nothing, and says so, for a file with no row to finalise', async () => {
    repository.finalise.mockResolvedValue(null);
    await finaliser.finaliseCall('call-1', 'node-1.1', Promise.resolve(), '20261123/unregistered.wav');
    expect(events).toEqual([]);
  });

  it('leaves finalised recordings alone', async () => {
    repository.listByCall.mockResolvedValue([open({ status: 'finalised' })]);
    await finaliser.finaliseCall('call-1', 'node-1.1');
    expect(store.closed).not.toHaveBeenCalled();
  });
  it('logs a failed lookup instead of leaving an unhandled rejection (the database went away at shutdown)', async () => {
    repository.listByCall.mockRejectedValue(new Error('Connection terminated'));
    await expect(finaliser.finaliseCall('call-1', 'node-1.1')).resolves.toBeUndefined();
    expect(store.closed).not.toHaveBeenCalled();
  });

  it('starts only once the call is written, and a graceful stop waits for it', async () => {
    let written!: () => void;
    const ready = new Promise<void>((resolve) => (written = resolve));
    void finaliser.finaliseCall('call-1', 'node-1.1', ready);
    await Promise.resolve();
    expect(repository.listByCall).not.toHaveBeenCalled();
    const stopping = finaliser.beforeApplicationShutdown();
    written();
    await stopping;
    expect(repository.finalise).toHaveBeenCalledWith({ id: 'rec-1' }, expect.objectContaining({ durationMs: 7_020 }));
  });

  it('leaves a call that ends once a stop began to the next start (its pool is closing)', async () => {
    await finaliser.beforeApplicationShutdown();
    await finaliser.finaliseCall('call-1', 'node-1.1');
    expect(repository.listByCall).not.toHaveBeenCalled();
  });
});
