import { z } from 'zod';
import type { RecordingRecord } from '@hotline/recordings';

export const recordingResponseSchema = z.object({
  id: z.string().uuid(),
  callId: z.string().uuid(),
  kind: z.enum(['call', 'message']),
  status: z.enum(['recording', 'finalised', 'missing']),
  format: z.literal('wav'),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  sizeBytes: z.number().int().nullable(),
  sha256: z.string().nullable(),
  /** Where to fetch the audio (Range requests supported). */
  audioUrl: z.string(),
});

export type RecordingResponse = z.infer<typeof recordingResponseSchema>;

/** The file's place in the store stays server-side: clients get the audio URL only. */
export function toRecordingResponse(recording: RecordingRecord): RecordingResponse {
  return {
    id: recording.id,
    callId: recording.callId,
    kind: recording.kind,
    status: recording.status,
    format: recording.format,
    startedAt: recording.startedAt.toISOString(),
    endedAt: recording.endedAt?.toISOString() ?? null,
    durationMs: recording.durationMs,
    sizeBytes: recording.sizeBytes,
    sha256: recording.sha256,
    audioUrl: `/api/recordings/${recording.id}/audio`,
  };
}
