import type { ReadStream } from 'node:fs';
import { Injectable, Logger } from '@nestjs/common';
import { ByteRangeDecision, decideByteRange } from './byte-range.parser';
import { RecordingAccessAuditRepository } from './recording-access-audit.repository';
import { RecordingRepository } from './recording.repository';
import { RecordingStore } from './recording.store';
import { RecordingRecord } from './recording.types';
import { InvalidRecordingIdError, RecordingFileMissingError, RecordingNotFinalisedError, RecordingNotFoundError } from './recordings.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RecordingAudio {
  recording: RecordingRecord;
  range: ByteRangeDecision;
  /** Absent when the range is unsatisfiable (nothing to send). */
  body: ReadStream | null;
}

/** Who is reading: the authenticated user (null id only for the system itself). */
export interface RecordingReader {
  userId: string | null;
  username: string;
}

/** What the api serves about recordings: metadata and audio with HTTP range requests. */
@Injectable()
export class RecordingsReadService {
  private readonly logger = new Logger(RecordingsReadService.name);

  constructor(
    private readonly repository: RecordingRepository,
    private readonly store: RecordingStore,
    private readonly audit: RecordingAccessAuditRepository,
  ) {}

  async get(rawId: string): Promise<RecordingRecord> {
    if (!UUID.test(rawId)) throw new InvalidRecordingIdError(rawId);
    const recording = await this.repository.findById(rawId);
    if (!recording) throw new RecordingNotFoundError(rawId);
    return recording;
  }

  listForCall(callId: string): Promise<RecordingRecord[]> {
    if (!UUID.test(callId)) throw new InvalidRecordingIdError(callId);
    return this.repository.listByCall(callId);
  }

  /**
   * Opens the audio for one request. Only finalised recordings are served: while MixMonitor writes, the
   * file has no final header and its checksum is not known yet.
   */
  async openAudio(rawId: string, rangeHeader: string | undefined, reader: RecordingReader): Promise<RecordingAudio> {
    const recording = await this.get(rawId);
    if (recording.status !== 'finalised') throw new RecordingNotFinalisedError(recording.id, recording.status);
    const size = await this.store.sizeOf(recording.filePath);
    if (size === null) throw new RecordingFileMissingError(recording.id, recording.filePath);
    const range = decideByteRange(rangeHeader, size);
    // Listening to a citizen's call is an access to personal data: the audit row is written before a byte
    // is sent, and if it cannot be written the read fails rather than going unrecorded.
    await this.audit.record({ recordingId: recording.id, callId: recording.callId, userId: reader.userId, username: reader.username, byteRange: rangeHeader ?? null });
    this.logger.log(`Recording ${recording.id} of call ${recording.callId} read by ${reader.username} (${rangeHeader ?? 'whole file'})`);
    if (range.kind === 'unsatisfiable') return { recording, range, body: null };
    const body = range.kind === 'partial' ? this.store.read(recording.filePath, range) : this.store.read(recording.filePath);
    return { recording, range, body };
  }
}
