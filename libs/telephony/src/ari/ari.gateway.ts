import { AriChannel, AriEventMap, AriEventType } from './ari-event.types';

export type AriEventHandler<T extends AriEventType> = (event: AriEventMap[T]) => void;

/**
 * What call logic needs from ARI. Services depend on this port, never on ari-client, so unit tests
 * replace it and the client can be swapped if profiling says so (platform.md).
 */
export interface AriGateway {
  on<T extends AriEventType>(type: T, handler: AriEventHandler<T>): void;
  /** Called after every (re)connect, so call logic can re-adopt channels: Asterisk sends no new StasisStart. */
  onConnected(handler: () => void): void;
  isConnected(): boolean;
  /**
   * Keeps the channel's events coming after it leaves Stasis: only then does ChannelDestroyed, the one
   * event with the hangup cause of a caller's BYE, reach the app.
   */
  subscribeToChannel(channelId: string): Promise<void>;
  answer(channelId: string): Promise<void>;
  play(channelId: string, media: string[], playbackId: string, language?: string): Promise<void>;
  stopPlayback(playbackId: string): Promise<void>;
  hangup(channelId: string, reason?: 'normal' | 'busy' | 'congestion' | 'no_answer'): Promise<void>;
  listChannels(): Promise<AriChannel[]>;
}

export const ARI_GATEWAY = Symbol('ARI_GATEWAY');
