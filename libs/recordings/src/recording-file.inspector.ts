import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { parseWavHeader, wavDurationMs } from './wav-header.parser';

export interface RecordingFileFacts {
  sizeBytes: number;
  durationMs: number;
  /** Hex SHA-256 of the whole file: proof later that a recording was not altered. */
  sha256: string;
}

/** Measures a finished recording: size, duration from its WAV header, and checksum (streamed, never buffered whole). */
export async function inspectRecordingFile(absolutePath: string): Promise<RecordingFileFacts> {
  const handle = await fs.open(absolutePath, 'r');
  let head: Buffer;
  let sizeBytes: number;
  try {
    sizeBytes = (await handle.stat()).size;
    head = Buffer.alloc(Math.min(sizeBytes, 4096));
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  const durationMs = wavDurationMs(parseWavHeader(head), sizeBytes);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(absolutePath)) hash.update(chunk as Buffer);
  return { sizeBytes, durationMs, sha256: hash.digest('hex') };
}
