import * as dgram from 'node:dgram';
import { decodeAlaw, rtpPayload } from './rtp-listener';
import { SUPERVISOR_TONE_HZ, toneSamples } from './supervisor-tone-pcap.writer';

/**
 * A UDP port standing in for one leg's phone (its SDP points here): keeps every PCMA packet with its arrival
 * time, so a test can ask how loud a tone was on this leg during a time window. With `talk`, it also talks
 * back like a phone (a tone every 20 ms, from this same port, to whoever sends to it): the others then hear
 * this leg continuously, and Asterisk's symmetric RTP (seats latch to the source) keeps sending here.
 */
export class RtpTap {
  private readonly socket = dgram.createSocket('udp4');
  private readonly packets: Array<{ at: number; samples: Int16Array }> = [];
  private remote: { address: string; port: number } | null = null;
  private talkTimer: NodeJS.Timeout | null = null;
  private sent = 0;

  private constructor(readonly port: number, private readonly talk: { hz: number; amplitude: number } | null) {
    this.socket.on('message', (message, from) => {
      this.remote = { address: from.address, port: from.port };
      if (talk) this.talkTimer ??= setInterval(() => this.sendTalk(), 20);
      const payload = rtpPayload(message);
      if (!payload || payload.payloadType !== 8) return;
      const samples = new Int16Array(payload.data.length);
      payload.data.forEach((byte, index) => (samples[index] = decodeAlaw(byte)));
      this.packets.push({ at: Date.now(), samples });
    });
  }

  static async start(port: number, options: { talk?: { hz: number; amplitude: number } } = {}): Promise<RtpTap> {
    const tap = new RtpTap(port, options.talk ?? null);
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

  private sendTalk(): void {
    if (!this.remote || !this.talk) return;
    const rtp = Buffer.alloc(12);
    rtp.writeUInt8(0x80, 0);
    rtp.writeUInt8(8, 1);
    rtp.writeUInt16BE(this.sent & 0xffff, 2);
    rtp.writeUInt32BE((this.sent * 160) >>> 0, 4);
    rtp.writeUInt32BE(0x4a6e0001, 8);
    this.socket.send(Buffer.concat([rtp, toneSamples(this.sent, this.talk.hz, this.talk.amplitude)]), this.remote.port, this.remote.address);
    this.sent += 1;
  }

  close(): Promise<void> {
    if (this.talkTimer) clearInterval(this.talkTimer);
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
