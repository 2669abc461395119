import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import * as ari from 'ari-client';
import { Backoff } from '../backoff';
import { TelephonyError, TelephonyErrorCode, describeAriFailure } from '../telephony.errors';
import { AriBridge, AriChannel, AriEventType } from './ari-event.types';
import { AriEventHandler, AriGateway, OriginateRequest, RecordRequest } from './ari.gateway';

export interface AriConnectionOptions {
  url: string;
  username: string;
  password: string;
  app: string;
}

/** Only these reach the app; the rest (33 of 53 events per call are ChannelVarset) is filtered at Asterisk. */
const HANDLED_EVENTS: AriEventType[] = [
  'StasisStart',
  'StasisEnd',
  'ChannelDtmfReceived',
  'ChannelHangupRequest',
  'ChannelDestroyed',
  'PlaybackFinished',
  'RecordingFinished',
  'RecordingFailed',
];

/**
 * ARI over ari-client. ari-client reconnects its websocket by itself, but gives up after a number of
 * tries and cannot start while Asterisk is down; this adapter keeps trying from scratch with backoff.
 */
export class AriClientAdapter implements AriGateway {
  private readonly logger = new Logger(AriClientAdapter.name);
  private readonly events = new EventEmitter();
  private readonly connectedHandlers: Array<() => void> = [];
  private readonly backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
  private client: ari.AriClient | null = null;
  private connected = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AriConnectionOptions) {
    this.events.setMaxListeners(50);
  }

  on<T extends AriEventType>(type: T, handler: AriEventHandler<T>): void {
    this.events.on(type, handler);
  }

  onConnected(handler: () => void): void {
    this.connectedHandlers.push(handler);
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Resolves once the first connection is up; later drops reconnect in the background. */
  start(): Promise<void> {
    this.stopped = false;
    return new Promise((resolve) => {
      this.onConnected(resolve);
      void this.connect();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.dropClient();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.checkCredentials();
      const client = await ari.connect(this.options.url, this.options.username, this.options.password);
      if (this.stopped) return;
      this.client = client;
      client.on('WebSocketConnected', () => this.markConnected());
      client.on('WebSocketReconnecting', (error?: Error) => {
        this.connected = false;
        this.logger.warn(`ARI websocket lost, reconnecting: ${error?.message ?? 'closed'}`);
      });
      client.on('WebSocketMaxRetries', (error?: Error) => {
        this.logger.error(`ARI websocket gave up: ${error?.message ?? 'closed'}; reconnecting from scratch`);
        this.scheduleReconnect();
      });
      for (const type of HANDLED_EVENTS) {
        client.on(type, (event: { type: AriEventType }) => this.dispatch(type, event));
      }
      await client.start(this.options.app);
    } catch (error) {
      this.logger.warn(`ARI connect to ${this.options.url} failed: ${describeAriFailure(error)}`);
      this.scheduleReconnect();
    }
  }

  /**
   * ari-client loads Asterisk's swagger description first, and a refused password there escapes as an uncaught
   * exception from swagger-client that kills the process. Asking one plain request first turns it into a
   * logged, retried failure like any other.
   */
  private async checkCredentials(): Promise<void> {
    const authorization = `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')}`;
    const response = await fetch(`${this.options.url}/ari/asterisk/info?only=build`, { headers: { authorization }, signal: AbortSignal.timeout(5_000) });
    if (response.status === 401) {
      throw new TelephonyError(TelephonyErrorCode.AriRequestFailed, `ARI refused the credentials of user "${this.options.username}" (401)`);
    }
  }

  private dispatch(type: AriEventType, event: unknown): void {
    try {
      this.events.emit(type, event);
    } catch (error) {
      // A handler bug must not kill the websocket reader; it is logged with the event type.
      this.logger.error(`Handler for ${type} threw: ${describeAriFailure(error)}`, (error as Error)?.stack);
    }
  }

  private markConnected(): void {
    this.connected = true;
    this.backoff.reset();
    this.logger.log(`ARI connected to ${this.options.url} as app "${this.options.app}"`);
    void this.applyEventFilter();
    for (const handler of this.connectedHandlers) handler();
  }

  private async applyEventFilter(): Promise<void> {
    try {
      await this.request('applications', 'filter', {
        applicationName: this.options.app,
        filter: { allowed: HANDLED_EVENTS.map((type) => ({ type })) },
      });
    } catch (error) {
      // Unfiltered events cost CPU but break nothing, so this is a warning, not a failure.
      this.logger.warn(`Could not set the ARI event filter: ${describeAriFailure(error)}`);
    }
  }

  private scheduleReconnect(): void {
    this.connected = false;
    this.dropClient();
    if (this.stopped) return;
    const delay = this.backoff.nextDelayMs();
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private dropClient(): void {
    const client = this.client;
    this.client = null;
    this.connected = false;
    if (!client) return;
    client.removeAllListeners();
    try {
      client.stop();
    } catch (error) {
      this.logger.warn(`Closing the old ARI client failed: ${describeAriFailure(error)}`);
    }
  }

  private async request(resource: 'channels' | 'playbacks' | 'applications' | 'bridges', operation: string, params: Record<string, unknown>): Promise<unknown> {
    const client = this.client;
    if (!client || !this.connected) throw new TelephonyError(TelephonyErrorCode.AriNotConnected, 'ARI is not connected');
    try {
      return await client[resource][operation](params);
    } catch (error) {
      throw new TelephonyError(TelephonyErrorCode.AriRequestFailed, `ARI ${resource}.${operation} failed: ${describeAriFailure(error)}`, error);
    }
  }

  async subscribeToChannel(channelId: string): Promise<void> {
    await this.request('applications', 'subscribe', { applicationName: this.options.app, eventSource: `channel:${channelId}` });
  }

  async answer(channelId: string): Promise<void> {
    await this.request('channels', 'answer', { channelId });
  }

  async play(channelId: string, media: string[], playbackId: string, language?: string): Promise<void> {
    await this.request('channels', 'playWithId', { channelId, playbackId, media, ...(language ? { lang: language } : {}) });
  }

  async stopPlayback(playbackId: string): Promise<void> {
    await this.request('playbacks', 'stop', { playbackId });
  }

  async hangup(channelId: string, reason: 'normal' | 'busy' | 'congestion' | 'no_answer' = 'normal'): Promise<void> {
    await this.request('channels', 'hangup', { channelId, reason });
  }

  async listChannels(): Promise<AriChannel[]> {
    return (await this.request('channels', 'list', {})) as AriChannel[];
  }

  async startMoh(channelId: string, mohClass?: string): Promise<void> {
    await this.request('channels', 'startMoh', { channelId, ...(mohClass ? { mohClass } : {}) });
  }

  async stopMoh(channelId: string): Promise<void> {
    await this.request('channels', 'stopMoh', { channelId });
  }

  async record(channelId: string, request: RecordRequest): Promise<void> {
    await this.request('channels', 'record', {
      channelId,
      name: request.name,
      format: 'wav',
      maxDurationSeconds: request.maxDurationSeconds,
      maxSilenceSeconds: request.maxSilenceSeconds ?? 0,
      beep: request.beep,
      terminateOn: request.terminateOn,
      ifExists: 'fail',
    });
  }

  async originate(request: OriginateRequest): Promise<AriChannel> {
    const target = request.dialplan
      ? { context: request.dialplan.context, extension: request.dialplan.extension, priority: 1 }
      : { app: this.options.app, appArgs: request.appArgs ?? '' };
    return (await this.request('channels', 'originate', {
      endpoint: request.endpoint,
      channelId: request.channelId,
      timeout: request.timeoutSeconds,
      ...(request.callerId ? { callerId: request.callerId } : {}),
      ...target,
      ...(request.variables ? { variables: { variables: request.variables } } : {}),
    })) as AriChannel;
  }

  async createBridge(bridgeId: string): Promise<void> {
    await this.request('bridges', 'createWithId', { bridgeId, type: 'mixing' });
  }

  async addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    await this.request('bridges', 'addChannel', { bridgeId, channel: channelIds.join(',') });
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    await this.request('bridges', 'destroy', { bridgeId });
  }

  async listBridges(): Promise<AriBridge[]> {
    return (await this.request('bridges', 'list', {})) as AriBridge[];
  }
}
