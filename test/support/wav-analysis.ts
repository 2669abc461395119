import { promises as fs } from 'node:fs';
import { parseWavHeader } from '@hotline/recordings';

export interface WavAnalysis {
  sampleRate: number;
  durationMs: number;
  /** RMS of each window of `windowMs` (16-bit linear units). */
  windowRms: number[];
  rms: number;
}

/** Reads a 16-bit PCM WAV and measures its loudness per window: to tell speech from silence in a recording. */
export async function analyseWav(file: string, windowMs = 500): Promise<WavAnalysis> {
  const data = await fs.readFile(file);
  const format = parseWavHeader(data.subarray(0, 4096));
  if (format.bitsPerSample !== 16) throw new Error(`${file}: ${format.bitsPerSample}-bit samples, expected 16`);
  const samples = new Int16Array(data.buffer, data.byteOffset + format.dataOffset, Math.floor((data.length - format.dataOffset) / 2));
  const perWindow = Math.round((format.sampleRate * format.channels * windowMs) / 1000);
  const windowRms: number[] = [];
  let total = 0;
  for (let start = 0; start < samples.length; start += perWindow) {
    let sum = 0;
    const end = Math.min(samples.length, start + perWindow);
    for (let i = start; i < end; i += 1) sum += samples[i]! * samples[i]!;
    total += sum;
    windowRms.push(Math.sqrt(sum / Math.max(1, end - start)));
  }
  return {
    sampleRate: format.sampleRate,
    durationMs: Math.round((samples.length / (format.sampleRate * format.channels)) * 1000),
    windowRms,
    rms: Math.sqrt(total / Math.max(1, samples.length)),
  };
}
