import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { AriGateway, RecordRequest } from '@hotline/telephony';

/** The caller hung up (or the channel vanished): whatever the flow was waiting for will not come. */
export class CallEndedError extends Error {
  constructor(readonly channelId: string) {
    super(`Call on channel ${channelId} has ended`);
    this.name = 'CallEndedError';
  }
}

export type PlayOutcome = 'finished' | 'interrupted';

export interface DigitsRequest {
  maxDigits: number;
  /** Wait for the first key. */
  firstTimeoutMs: number;
  /** Wait between keys. */
  interDigitTimeoutMs: number;
  terminator?: string;
}

export interface DigitsResult {
  digits: string;
  /** Ended by the terminator key. */
  terminated: boolean;
  /** Ended by a timeout (no key, or too long between keys). */
  timedOut: boolean;
}

export interface RecordedMessage {
  ok: boolean;
  durationSeconds: number | null;
}

const LANGUAGE = 'zh';

/**
 * One caller channel seen as a conversation the IVR can await: play a prompt (a key barges in when the
 * prompt allows it), read keys with timeouts, record a message. ARI events are pushed in (digit,
 * playbackFinished, recordingFinished, ended); every wait ends with CallEndedError once the caller is gone,
 * so a flow never hangs on a dead channel. Keys pressed while nothing waits are kept (type-ahead).
 */
export class CallChannelIo {
  private readonly buffered: string[] = [];
  private digitArrived: (() => void) | null = null;
  private playing: { id: string; interruptible: boolean; settle: (outcome: PlayOutcome) => void } | null = null;
  private recording: { name: string; settle: (result: RecordedMessage) => void } | null = null;
  private hasEnded = false;
  /** After input complete by length, a terminator pressed out of habit must not become the next menu's key. */
  private swallow: { key: string; until: number } | null = null;
  private readonly endListeners = new Set<() => void>();
  private readonly logger = new Logger(CallChannelIo.name);

  constructor(private readonly ari: AriGateway, readonly channelId: string) {}

  get ended(): boolean {
    return this.hasEnded;
  }

  /** A key from the caller (ChannelDtmfReceived). */
  digit(key: string): void {
    if (this.swallow && this.swallow.key === key && Date.now() <= this.swallow.until) {
      this.swallow = null;
      return;
    }
    this.swallow = null;
    this.buffered.push(key);
    if (this.playing?.interruptible) this.stopPlaying('interrupted');
    this.digitArrived?.();
  }

  /** PlaybackFinished; false when the playback was not this call's current one (already stopped). */
  playbackFinished(playbackId: string): boolean {
    if (this.playing?.id !== playbackId) return false;
    const settle = this.playing.settle;
    this.playing = null;
    settle('finished');
    return true;
  }

  isPlaying(playbackId: string): boolean {
    return this.playing?.id === playbackId;
  }

  recordingFinished(name: string, ok: boolean, durationSeconds: number | null): boolean {
    if (this.recording?.name !== name) return false;
    const settle = this.recording.settle;
    this.recording = null;
    settle({ ok, durationSeconds });
    return true;
  }

  /** The channel is gone: every pending and future wait fails with CallEndedError. */
  end(): void {
    if (this.hasEnded) return;
    this.hasEnded = true;
    for (const listener of this.endListeners) listener();
    this.endListeners.clear();
  }

  clearDigits(): void {
    this.buffered.length = 0;
  }

  /** Cuts the current prompt short (an agent answered while the caller heard an announcement). */
  stopPlayback(): void {
    this.stopPlaying('interrupted');
  }

  async play(media: string[], options: { interruptible: boolean }): Promise<PlayOutcome> {
    this.assertLive();
    if (media.length === 0) return 'finished';
    // A caller who already typed ahead does not want to hear the prompt first.
    if (options.interruptible && this.buffered.length > 0) return 'interrupted';
    if (this.playing) this.stopPlaying('interrupted');
    const id = randomUUID();
    const done = new Promise<PlayOutcome>((resolve) => (this.playing = { id, interruptible: options.interruptible, settle: resolve }));
    try {
      await this.ari.play(this.channelId, media, id, LANGUAGE);
    } catch (error) {
      if (this.playing?.id === id) this.playing = null;
      throw this.hasEnded ? new CallEndedError(this.channelId) : error;
    }
    return this.untilEnded(done);
  }

  async readDigits(request: DigitsRequest): Promise<DigitsResult> {
    let digits = '';
    for (;;) {
      this.assertLive();
      const key = this.buffered.shift();
      if (key !== undefined) {
        if (request.terminator && key === request.terminator) return { digits, terminated: true, timedOut: false };
        digits += key;
        if (digits.length >= request.maxDigits) {
          if (request.terminator) this.swallowTerminator(request.terminator, request.interDigitTimeoutMs);
          return { digits, terminated: false, timedOut: false };
        }
        continue;
      }
      const arrived = await this.nextDigit(digits === '' ? request.firstTimeoutMs : request.interDigitTimeoutMs);
      if (!arrived) return { digits, terminated: false, timedOut: true };
    }
  }

  private swallowTerminator(terminator: string, withinMs: number): void {
    if (this.buffered[0] === terminator) {
      this.buffered.shift();
      return;
    }
    this.swallow = { key: terminator, until: Date.now() + withinMs };
  }

  /** Records the caller (ARI channel recording into the store's messages folder); resolves when it ends. */
  async recordMessage(request: RecordRequest): Promise<RecordedMessage> {
    this.assertLive();
    const done = new Promise<RecordedMessage>((resolve) => (this.recording = { name: request.name, settle: resolve }));
    await this.ari.record(this.channelId, request);
    return this.untilEnded(done);
  }

  private nextDigit(timeoutMs: number): Promise<boolean> {
    return this.untilEnded(
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          this.digitArrived = null;
          resolve(false);
        }, timeoutMs);
        this.digitArrived = () => {
          clearTimeout(timer);
          this.digitArrived = null;
          resolve(true);
        };
      }),
    );
  }

  private stopPlaying(outcome: PlayOutcome): void {
    const playing = this.playing;
    if (!playing) return;
    this.playing = null;
    playing.settle(outcome);
    // Not awaited: the caller's key must not wait for ARI. The prompt may have just finished on its own
    // (404), which is harmless; anything else is logged.
    this.ari.stopPlayback(playing.id).catch((error: Error) => this.logger.debug(`Stopping playback ${playing.id} on ${this.channelId}: ${error.message}`));
  }

  private untilEnded<T>(work: Promise<T>): Promise<T> {
    if (this.hasEnded) return Promise.reject(new CallEndedError(this.channelId));
    return new Promise<T>((resolve, reject) => {
      const onEnd = () => reject(new CallEndedError(this.channelId));
      this.endListeners.add(onEnd);
      work.then(
        (value) => {
          this.endListeners.delete(onEnd);
          resolve(value);
        },
        (error: unknown) => {
          this.endListeners.delete(onEnd);
          reject(error);
        },
      );
    });
  }

  private assertLive(): void {
    if (this.hasEnded) throw new CallEndedError(this.channelId);
  }
}
