import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { frame } from './dtmf-pcap.writer';

/** The supervisor's voice in the supervision test: a pure tone nobody else on the call produces. */
export const SUPERVISOR_TONE_HZ = 1_000;

/** G.711 A-law encoding of one 16-bit linear sample (ITU-T G.711), the inverse of decodeAlaw. */
export function encodeAlaw(sample: number): number {
  const sign = sample >= 0 ? 0x80 : 0x00;
  let magnitude = Math.min(Math.abs(sample), 32_635) >> 3;
  let exponent = 0;
  if (magnitude >= 32) {
    exponent = 1;
    while (magnitude >= 64 && exponent < 7) {
      magnitude >>= 1;
      exponent += 1;
    }
    magnitude = (magnitude >> 1) & 0x0f;
  } else {
    magnitude >>= 1;
  }
  return ((sign | (exponent << 4) | magnitude) ^ 0x55) & 0xff;
}

/**
 * Writes a pcap of PCMA RTP (payload 8, 20 ms packets) carrying a steady tone for `seconds`, for SIPp's
 * play_pcap_audio: the supervisor "speaks" this tone, and per-leg RTP taps look for it.
 */
export async function writeTonePcap(file: string, seconds: number, options: { hz?: number; amplitude?: number } = {}): Promise<void> {
  const hz = options.hz ?? SUPERVISOR_TONE_HZ;
  const amplitude = options.amplitude ?? 8_000;
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65_535, 16);
  header.writeUInt32LE(1, 20); // Ethernet
  const packets: Buffer[] = [header];
  const ssrc = 0x5e9e0001;
  for (let index = 0; index < seconds * 50; index += 1) {
    const rtp = Buffer.alloc(12 + 160);
    rtp.writeUInt8(0x80, 0);
    rtp.writeUInt8((index === 0 ? 0x80 : 0) | 8, 1);
    rtp.writeUInt16BE((1_000 + index) & 0xffff, 2);
    rtp.writeUInt32BE((index * 160) >>> 0, 4);
    rtp.writeUInt32BE(ssrc, 8);
    toneSamples(index, hz, amplitude).copy(rtp, 12);
    packets.push(frame(index * 20, rtp));
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, Buffer.concat(packets));
}

/** The `index`-th 20 ms packet (160 A-law bytes) of a continuous tone. */
export function toneSamples(index: number, hz: number, amplitude: number): Buffer {
  const samples = Buffer.alloc(160);
  for (let n = 0; n < 160; n += 1) samples[n] = encodeAlaw(Math.round(amplitude * Math.sin((2 * Math.PI * hz * (index * 160 + n)) / 8_000)));
  return samples;
}
