import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const EVENTS: Record<string, number> = { '*': 10, '#': 11 };
for (let digit = 0; digit <= 9; digit += 1) EVENTS[String(digit)] = digit;

export interface DtmfPcapOptions {
  /** Key-down time per digit (RFC 4733 duration), ms. */
  toneMs?: number;
  /** From the start of one digit to the start of the next, ms. */
  spacingMs?: number;
}

/**
 * Writes a pcap that SIPp's play_pcap_audio replays as RFC 4733 telephone-events (payload 101) for any
 * digit sequence - repeats included. The pcaps shipped with sip-tester carry fixed RTP timestamps, so
 * Asterisk drops a digit whose timestamp goes back (see PCAP_DTMF_ORDER); here every event gets a newer
 * timestamp and sequence number, exactly as a phone would send them. Returns the pcap's playing time (ms).
 */
export async function writeDtmfPcap(file: string, digits: string, options: DtmfPcapOptions = {}): Promise<number> {
  const toneMs = options.toneMs ?? 160;
  const spacingMs = options.spacingMs ?? 600;
  const packets: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65_535, 16);
  header.writeUInt32LE(1, 20); // Ethernet
  packets.push(header);
  let sequence = 1_000;
  let elapsedMs = 0;
  const ssrc = 0x0d7f0001;
  [...digits].forEach((digit, index) => {
    const event = EVENTS[digit];
    if (event === undefined) throw new Error(`No RFC 4733 event for "${digit}"`);
    const start = index * spacingMs;
    const rtpTimestamp = 8_000 + start * 8; // 8 kHz clock, rising with every digit
    const steps = Math.max(2, Math.floor(toneMs / 20));
    for (let step = 0; step <= steps; step += 1) {
      const end = step === steps;
      const duration = Math.min(step, steps) * 160;
      // The end packet goes three times (RFC 4733 2.5.1.4), with the same sequence number.
      for (let copy = 0; copy < (end ? 3 : 1); copy += 1) {
        packets.push(frame(start + step * 20, rtp(sequence, rtpTimestamp, ssrc, step === 0, event, end, duration)));
      }
      sequence += 1;
    }
    elapsedMs = start + steps * 20;
  });
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, Buffer.concat(packets));
  return elapsedMs;
}

function rtp(sequence: number, timestamp: number, ssrc: number, marker: boolean, event: number, end: boolean, duration: number): Buffer {
  const packet = Buffer.alloc(16);
  packet.writeUInt8(0x80, 0);
  packet.writeUInt8((marker ? 0x80 : 0) | 101, 1);
  packet.writeUInt16BE(sequence & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(ssrc, 8);
  packet.writeUInt8(event, 12);
  packet.writeUInt8((end ? 0x80 : 0) | 10, 13);
  packet.writeUInt16BE(duration, 14);
  return packet;
}

/** Ethernet + IPv4 + UDP around an RTP packet, with a capture time `atMs` after the start. */
export function frame(atMs: number, payload: Buffer): Buffer {
  const udpLength = 8 + payload.length;
  const ipLength = 20 + udpLength;
  const record = Buffer.alloc(16 + 14 + ipLength);
  const seconds = 1_700_000_000 + Math.floor(atMs / 1_000);
  record.writeUInt32LE(seconds, 0);
  record.writeUInt32LE((atMs % 1_000) * 1_000, 4);
  record.writeUInt32LE(14 + ipLength, 8);
  record.writeUInt32LE(14 + ipLength, 12);
  const eth = 16;
  record.writeUInt16BE(0x0800, eth + 12);
  const ip = eth + 14;
  record.writeUInt8(0x45, ip);
  record.writeUInt16BE(ipLength, ip + 2);
  record.writeUInt8(64, ip + 8);
  record.writeUInt8(17, ip + 9);
  Buffer.from([127, 0, 0, 1]).copy(record, ip + 12);
  Buffer.from([127, 0, 0, 1]).copy(record, ip + 16);
  const udp = ip + 20;
  record.writeUInt16BE(16_000, udp);
  record.writeUInt16BE(16_002, udp + 2);
  record.writeUInt16BE(udpLength, udp + 4);
  payload.copy(record, udp + 8);
  return record;
}
