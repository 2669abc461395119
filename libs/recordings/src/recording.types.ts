/** recording: MixMonitor is writing; finalised: measured and checksummed; missing: the file never appeared. */
export type RecordingStatus = 'recording' | 'finalised' | 'missing';

/** call: the whole call (MixMonitor, both directions); message: what a caller left (ARI channel recording). */
export type RecordingKind = 'call' | 'message';

export interface RecordingRecord {
  id: string;
  callId: string;
  kind: RecordingKind;
  channelId: string;
  /** Relative to the recordings store, e.g. 20261123/dev-1795442449.0.wav. */
  filePath: string;
  format: 'wav';
  status: RecordingStatus;
  startedAt: Date;
  endedAt: Date | null;
  durationMs: number | null;
  sizeBytes: number | null;
  sha256: string | null;
}

/** A recording by its row id, or by its file (unique): the call's own recording is known by its file. */
export type RecordingRef = { id: string } | { filePath: string };

export interface FinalisedRecordingFacts {
  endedAt: Date;
  durationMs: number;
  sizeBytes: number;
  sha256: string;
}
