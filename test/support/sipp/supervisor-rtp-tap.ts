import * as dgram from 'node:dgram';
import { decodeAlaw, rtpPayload } from './rtp-listener';
import { SUPERVISOR_TONE_HZ } from './supervisor-tone-pcap.writer';

/**
 * A UDP port standing in for one leg's phone (its SDP points here): keeps every PCMA packet with its arrival
 * time, so a test can ask how loud the supervisor's tone was on this leg during a time window.
 */
export class RtpTap {
  private readonly socket = dgram.createSocket('udp4');
  private readonly packets: Array<{ at: number; samples: Int16Array }> = [];

  private constructor(readonly port: number) {
    this.socket.on('message', (message) => {
      const payload = rtpPayload(message);
      if (!payload || payload.payloadType !== 8) return;
      const samples = new Int16Array(payload.data.length);
      payload.data.forEach((byte, index) => (samples[index] = decodeAlaw(byte)));
      this.packets.push({ at: Date.now(), samples });
    });
  }

  static async start(port: number): Promise<RtpTap> {
    const tap = new RtpTap(port);
    await new Promise<void>((resolve, reject) => {
      tap.socket.once('error', reject);
      tap.socket.bind(port, '127.0.0.1', () => resolve());
    });
    return tap;
  }

  /** Packets received in [from, to) (epoch ms). */
  count(from: number, to: number): number {
    return this.packets.filter((packet) => packet.at >= from && packet.at < to).length;
  }

  /**
   * Mean amplitude of the tone in [from, to) (epoch ms), by a Goertzel filter per 20 ms packet: about the
   * tone's amplitude when it is there, near 0 for silence or other sounds. Null if no packet arrived.
   */
  toneLevel(from: number, to: number, hz = SUPERVISOR_TONE_HZ): number | null {
    const inWindow = this.packets.filter((packet) => packet.at >= from && packet.at < to);
    if (inWindow.length === 0) return null;
    const coefficient = 2 * Math.cos((2 * Math.PI * hz) / 8_000);
    let total = 0;
    for (const { samples } of inWindow) {
      let s1 = 0;
      let s2 = 0;
      for (const sample of samples) {
        const s0 = sample + coefficient * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
      total += (2 * Math.sqrt(Math.max(0, power))) / samples.length;
    }
    return total / inWindow.length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
