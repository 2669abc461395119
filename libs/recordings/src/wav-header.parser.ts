export interface WavFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Offset of the first sample byte. */
  dataOffset: number;
  /** Bytes of sample data as the header states them (may be 0 or stale for a file still being written). */
  declaredDataBytes: number;
}

export class InvalidWavError extends Error {
  constructor(reason: string) {
    super(`Not a PCM WAV file: ${reason}`);
    this.name = 'InvalidWavError';
  }
}

/** Reads the RIFF/WAVE header (fmt and data chunks) from the first bytes of a file. */
export function parseWavHeader(head: Buffer): WavFormat {
  if (head.length < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE') {
    throw new InvalidWavError('no RIFF/WAVE signature');
  }
  let offset = 12;
  let format: Omit<WavFormat, 'dataOffset' | 'declaredDataBytes'> | null = null;
  while (offset + 8 <= head.length) {
    const id = head.toString('ascii', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + 16 > head.length) throw new InvalidWavError('fmt chunk cut short');
      format = { channels: head.readUInt16LE(body + 2), sampleRate: head.readUInt32LE(body + 4), bitsPerSample: head.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!format) throw new InvalidWavError('data chunk before fmt chunk');
      if (format.sampleRate === 0 || format.channels === 0 || format.bitsPerSample === 0) throw new InvalidWavError('zero rate, channels or sample size');
      return { ...format, dataOffset: body, declaredDataBytes: size };
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  throw new InvalidWavError('no data chunk in the first bytes');
}

/**
 * Duration of the samples in a WAV file of `fileSize` bytes. The file size wins over the header's data
 * size when they disagree, so an unclosed file (header never updated) is still measured by what it holds.
 */
export function wavDurationMs(format: WavFormat, fileSize: number): number {
  const bytesPerSecond = format.sampleRate * format.channels * (format.bitsPerSample / 8);
  const available = Math.max(0, fileSize - format.dataOffset);
  const dataBytes = format.declaredDataBytes > 0 && format.declaredDataBytes <= available ? format.declaredDataBytes : available;
  return Math.round((dataBytes / bytesPerSecond) * 1000);
}
