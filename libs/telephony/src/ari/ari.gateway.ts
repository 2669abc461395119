import { AriBridge, AriChannel, AriEventMap, AriEventType } from './ari-event.types';

export interface OriginateRequest {
  /** e.g. PJSIP/seat-101 or PJSIP/carrier/sip:13800000000@10.0.0.5 */
  endpoint: string;
  /** Our id for the new channel, so its events can be matched before originate returns. */
  channelId: string;
  callerId?: string;
  /** Seconds to ring before giving up (the channel is destroyed with cause 19, no answer). */
  timeoutSeconds: number;
  /** Into Stasis on answer with these arguments ... */
  appArgs?: string;
  /** ... or into the dialplan (context/extension/priority 1), e.g. to start MixMonitor first. */
  dialplan?: { context: string; extension: string };
  variables?: Record<string, string>;
}

export interface RecordRequest {
  /** Stored-recording name (may contain sub-folders); written under Asterisk's recording dir. */
  name: string;
  maxDurationSeconds: number;
  maxSilenceSeconds?: number;
  beep: boolean;
  terminateOn: 'none' | 'any' | '*' | '#';
}

export interface SnoopRequest {
  /** The channel spied on (e.g. an agent's leg). */
  channelId: string;
  /** Our id for the snoop channel. */
  snoopId: string;
  /** Audio the snoop channel hears: "in" from the device, "out" to it, "both". */
  spy: 'none' | 'in' | 'out' | 'both';
  /** Where audio sent into the snoop channel goes: "out" = to the spied channel's device only. */
  whisper: 'none' | 'in' | 'out' | 'both';
  /** Stasis arguments of the snoop channel's StasisStart. */
  appArgs: string;
}

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
  /** Music on hold on a channel (class "default" unless named); stopping is idempotent on a gone channel's side. */
  startMoh(channelId: string, mohClass?: string): Promise<void>;
  stopMoh(channelId: string): Promise<void>;
  /** Records what the channel hears from the caller (a message left in the IVR); RecordingFinished/Failed follow. */
  record(channelId: string, request: RecordRequest): Promise<void>;
  originate(request: OriginateRequest): Promise<AriChannel>;
  createBridge(bridgeId: string): Promise<void>;
  addToBridge(bridgeId: string, channelIds: string[]): Promise<void>;
  /** Takes channels out of a bridge; they stay in the app (e.g. a caller put on hold during a transfer). */
  removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void>;
  destroyBridge(bridgeId: string): Promise<void>;
  /** A snoop channel on another channel (supervisor listen/whisper); it enters the app (StasisStart). */
  snoop(request: SnoopRequest): Promise<AriChannel>;
  listBridges(): Promise<AriBridge[]>;
}

export const ARI_GATEWAY = Symbol('ARI_GATEWAY');
