import * as dgram from 'node:dgram';

/** What arrived on the listener's port so far. */
export interface RtpStats {
  /** All datagrams that parsed as RTP version 2. */
  readonly packets: number;
  /** Datagrams that were not RTP v2 (too short, wrong version). */
  readonly nonRtpDatagrams: number;
  /** Packet count per RTP payload type (8 = PCMA, 0 = PCMU, 101 = telephone-event here). */
  readonly payloadTypes: Readonly<Record<number, number>>;
  /** RMS of all decoded PCMA samples, in 16-bit linear units (A-law digital silence decodes to ±8). */
  readonly pcmaRms: number;
  /** Largest absolute decoded PCMA sample. */
  readonly pcmaPeak: number;
  readonly pcmaSamples: number;
  /** PCMA packets whose own RMS exceeds {@link RtpListenerOptions.silenceRms}: i.e. carrying speech, not comfort silence. */
  readonly pcmaVoicedPackets: number;
  /** Source addresses seen, "ip:port". */
  readonly sources: readonly string[];
  readonly firstPacketAt: number | null;
  readonly lastPacketAt: number | null;
}

export interface RtpListenerOptions {
  readonly port: number;
  readonly host?: string;
  /** Per-packet RMS at or below which a PCMA packet counts as silent (default 64). */
  readonly silenceRms?: number;
}

/** ITU-T G.711 A-law to 16-bit linear, as a lookup table. */
const ALAW_TO_LINEAR: Int16Array = (() => {
  const table = new Int16Array(256);
  for (let i = 0; i < 256; i++) {
    const a = i ^ 0x55;
    let magnitude = (a & 0x0f) << 4;
    const segment = (a & 0x70) >> 4;
    if (segment === 0) magnitude += 8;
    else magnitude = (magnitude + 0x108) << (segment - 1);
    table[i] = a & 0x80 ? magnitude : -magnitude;
  }
  return table;
})();

export function decodeAlaw(byte: number): number {
  return ALAW_TO_LINEAR[byte & 0xff] ?? 0;
}

/**
 * A UDP socket standing in for the citizen's phone: SIPp puts this port in
 * its SDP, so Asterisk sends the caller's audio here, and the test can
 * assert that real prompt audio (not silence, not nothing) reached the caller.
 */
export class RtpListener {
  private readonly socket = dgram.createSocket('udp4');
  private readonly silenceRms: number;
  private packets = 0;
  private nonRtp = 0;
  private readonly payloadTypes: Record<number, number> = {};
  private sumSquares = 0;
  private samples = 0;
  private peak = 0;
  private voiced = 0;
  private readonly sources = new Set<string>();
  private firstAt: number | null = null;
  private lastAt: number | null = null;

  private constructor(options: RtpListenerOptions) {
    this.silenceRms = options.silenceRms ?? 64;
    this.socket.on('message', (message, remote) => this.onPacket(message, `${remote.address}:${remote.port}`));
  }

  /** Binds the port (127.0.0.1 by default) and starts counting. */
  static async start(options: RtpListenerOptions): Promise<RtpListener> {
    const listener = new RtpListener(options);
    await new Promise<void>((resolve, reject) => {
      listener.socket.once('error', reject);
      listener.socket.bind(options.port, options.host ?? '127.0.0.1', () => {
        listener.socket.off('error', reject);
        resolve();
      });
    });
    return listener;
  }

  stats(): RtpStats {
    return {
      packets: this.packets,
      nonRtpDatagrams: this.nonRtp,
      payloadTypes: { ...this.payloadTypes },
      pcmaRms: this.samples ? Math.sqrt(this.sumSquares / this.samples) : 0,
      pcmaPeak: this.peak,
      pcmaSamples: this.samples,
      pcmaVoicedPackets: this.voiced,
      sources: [...this.sources],
      firstPacketAt: this.firstAt,
      lastPacketAt: this.lastAt,
    };
  }

  /** Resolves once no packet has arrived for `quietMs` (or after `maxWaitMs`). */
  async waitForQuiet(quietMs: number, maxWaitMs: number): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    while (Date.now() < deadline) {
      const last = this.lastAt ?? 0;
      if (Date.now() - last >= quietMs) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onPacket(message: Buffer, source: string): void {
    const payload = rtpPayload(message);
    if (!payload) {
      this.nonRtp++;
      return;
    }
    const now = Date.now();
    this.firstAt ??= now;
    this.lastAt = now;
    this.packets++;
    this.sources.add(source);
    this.payloadTypes[payload.payloadType] = (this.payloadTypes[payload.payloadType] ?? 0) + 1;
    if (payload.payloadType !== 8) return;
    let packetSquares = 0;
    for (const byte of payload.data) {
      const sample = decodeAlaw(byte);
      packetSquares += sample * sample;
      this.peak = Math.max(this.peak, Math.abs(sample));
    }
    this.sumSquares += packetSquares;
    this.samples += payload.data.length;
    if (payload.data.length > 0 && Math.sqrt(packetSquares / payload.data.length) > this.silenceRms) this.voiced++;
  }
}

/** Payload type and payload of an RTP v2 packet (RFC 3550 5.1), or null if it is not one. */
export function rtpPayload(packet: Buffer): { payloadType: number; data: Buffer } | null {
  if (packet.length < 12) return null;
  const first = packet[0] ?? 0;
  if (first >> 6 !== 2) return null;
  const csrcCount = first & 0x0f;
  let offset = 12 + 4 * csrcCount;
  if (first & 0x10) {
    if (packet.length < offset + 4) return null;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2); // header extension
  }
  let end = packet.length;
  if (first & 0x20) end -= packet[packet.length - 1] ?? 0; // padding
  if (offset > end) return null;
  return { payloadType: (packet[1] ?? 0) & 0x7f, data: packet.subarray(offset, end) };
}
