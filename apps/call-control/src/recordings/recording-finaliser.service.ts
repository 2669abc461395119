import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { CLOCK, Clock } from '@hotline/common';
import { RecordingRecord, RecordingRef, RecordingRepository, RecordingStore } from '@hotline/recordings';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';

const POLL_MS = 100;

/** A recording to finalise: its row (by id, or by its file), its file and its call. */
interface FinaliseTarget {
  ref: RecordingRef;
  filePath: string;
  callId: string;
}

/**
 * Closes the books on a call's recordings after it ends: waits until MixMonitor (or ARI) has closed the file
 * (its WAV header then states the full length), then stores duration, size and SHA-256. Runs off the event
 * path: a slow disk delays the record of a recording, never a caller.
 */
@Injectable()
export class RecordingFinaliser implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RecordingFinaliser.name);
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Set once a graceful stop began: its database pool is about to close, so new work is left to sweep(). */
  private stopping = false;

  constructor(
    private readonly recordings: RecordingRepository,
    private readonly store: RecordingStore,
    private readonly calls: CallLogRepository,
    private readonly events: CallEventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Finalises the call's recordings once `ready` settles (the call's end is written). `recordingPath`: the call's
   * own recording (MixMonitor), finalised by its file without looking it up first; without it (a call whose
   * session did not know it), every open recording of the call is looked up. Tracked like a single
   * finalisation, so a graceful stop waits for it too, and a failure is logged, never left unhandled.
   */
  finaliseCall(callId: string, channelId: string, ready: Promise<unknown> = Promise.resolve(), recordingPath: string | null = null): Promise<void> {
    const key = `call:${callId}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    if (this.stopping) {
      this.logger.warn(`Call ${callId} ended while stopping: its recordings are finalised by the next start's sweep`);
      return Promise.resolve();
    }
    const work = (async () => {
      try {
        await ready;
        if (recordingPath) {
          await this.run({ ref: { filePath: recordingPath }, filePath: recordingPath, callId }, channelId);
          return;
        }
        for (const recording of await this.recordings.listByCall(callId)) {
          if (recording.status === 'recording') await this.finalise(recording, channelId);
        }
      } catch (error) {
        this.logger.error(`Finalising the recordings of call ${callId} failed: ${(error as Error).message}`, (error as Error).stack);
      }
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  /** After a restart: recordings of calls that ended while no call-control was there to finalise them. */
  async sweep(): Promise<number> {
    const open = await this.recordings.listUnfinalisedOfEndedCalls();
    for (const recording of open) await this.finalise(recording, recording.channelId);
    return open.length;
  }

  /** A graceful stop finishes the finalisations under way (their files appear within moments of hangup). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.inFlight.size === 0) return;
    this.logger.log(`Waiting for ${this.inFlight.size} recording(s) to be finalised before stopping`);
    // Bounded: a call whose end cannot reach Postgres (outage) is left to the next process's sweep().
    const limitMs = this.config.RECORDING_FINALISE_TIMEOUT_MS + 5_000;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), limitMs)));
    const outcome = await Promise.race([Promise.all(this.inFlight.values()), gaveUp]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.logger.warn(`Stopping with ${this.inFlight.size} recording finalisation(s) unfinished after ${limitMs} ms; the next start sweeps them`);
  }

  finalise(recording: RecordingRecord, channelId: string): Promise<void> {
    const running = this.inFlight.get(recording.id);
    if (running) return running;
    const work = this.run({ ref: { id: recording.id }, filePath: recording.filePath, callId: recording.callId }, channelId).finally(() => this.inFlight.delete(recording.id));
    this.inFlight.set(recording.id, work);
    return work;
  }

  private async run(target: FinaliseTarget, channelId: string): Promise<void> {
    try {
      const state = await this.waitForFile(target.filePath);
      const endedAt = this.clock.now();
      if (state === 'missing') {
        const marked = await this.recordings.markMissing(target.ref, endedAt);
        this.logger.error(`Recording ${target.filePath} of call ${target.callId} did not appear in ${this.store.root} within ${this.config.RECORDING_FINALISE_TIMEOUT_MS} ms`);
        if (marked) await this.record(marked, channelId, endedAt, { status: 'missing', durationMs: null, sizeBytes: null, sha256: null });
        return;
      }
      // A header never completed (recorder killed) still leaves the audio: measured by the file's size.
      if (state === 'unclosed') this.logger.warn(`Recording ${target.filePath} was not closed within ${this.config.RECORDING_FINALISE_TIMEOUT_MS} ms; measuring it as it is`);
      const facts = await this.store.inspect(target.filePath);
      const finalised = await this.recordings.finalise(target.ref, { endedAt, ...facts });
      if (!finalised) {
        this.logger.error(`Recording ${target.filePath} of call ${target.callId} has no row to finalise`);
        return;
      }
      await this.record(finalised, channelId, endedAt, { status: 'finalised', ...facts });
    } catch (error) {
      this.logger.error(`Finalising recording ${target.filePath} of call ${target.callId} failed: ${(error as Error).message}`, (error as Error).stack);
    }
  }

  private async waitForFile(filePath: string): Promise<'closed' | 'unclosed' | 'missing'> {
    const deadline = Date.now() + this.config.RECORDING_FINALISE_TIMEOUT_MS;
    for (;;) {
      const closed = await this.store.closed(filePath);
      if (closed === true) return 'closed';
      if (Date.now() >= deadline) return closed === null ? 'missing' : 'unclosed';
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async record(
    recording: RecordingRecord,
    channelId: string,
    at: Date,
    facts: { status: 'finalised' | 'missing'; durationMs: number | null; sizeBytes: number | null; sha256: string | null },
  ): Promise<void> {
    const payload = { callId: recording.callId, channelId, recordingId: recording.id, kind: recording.kind, ...facts };
    await this.calls.appendEvent(recording.callId, 'recording.finalised', at, { ...payload });
    await this.events.publish('recording.finalised', at, payload);
  }
}
