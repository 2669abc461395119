import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { Backoff } from '../backoff';
import { TelephonyError, TelephonyErrorCode, describeAriFailure } from '../telephony.errors';
import { AriBridge, AriChannel, AriEventType } from './ari-event.types';
import { AriHttpResponse, AriHttpTransport } from './ari-http.transport';
import { AriEventHandler, AriGateway, OriginateRequest, RecordRequest, SnoopRequest } from './ari.gateway';

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

const REQUEST_TIMEOUT_MS = 10_000;

type Query = Record<string, string | number | boolean | undefined>;

/**
 * ARI over an HTTP pool (kept-alive sockets, see AriHttpTransport) and Node's WebSocket: no ARI client library in between.
 * ari-client was replaced after profiling the benchmark (bench/call-control.bench.ts): swagger-client,
 * shred and bluebird, and building resource objects for every event, cost more CPU per call than all of
 * call-control's own logic. Reconnects from scratch with backoff whenever the websocket closes (Asterisk
 * restarted or call-control could not reach it yet), and re-applies the event filter each time.
 */
export class AriClientAdapter implements AriGateway {
  private readonly logger = new Logger(AriClientAdapter.name);
  private readonly events = new EventEmitter();
  private readonly connectedHandlers: Array<() => void> = [];
  private readonly backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
  private readonly authorization: string;
  private readonly base: string;
  private readonly http: AriHttpTransport;
  private socket: WebSocket | null = null;
  private connected = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AriConnectionOptions) {
    this.events.setMaxListeners(50);
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    this.base = `${options.url.replace(/\/$/, '')}/ari`;
    this.http = new AriHttpTransport(this.base, this.authorization, REQUEST_TIMEOUT_MS);
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
    this.retryTimer = null;
    this.dropSocket();
    await this.http.close();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      // A refused password is reported as such (the websocket would only say "closed"), then retried.
      await this.checkCredentials();
    } catch (error) {
      this.logger.warn(`ARI connect to ${this.options.url} failed: ${describeAriFailure(error)}`);
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) return;
    const url = new URL(`${this.base.replace(/^http/, 'ws')}/events`);
    url.searchParams.set('app', this.options.app);
    // The browser WebSocket API sends no custom headers; ARI accepts the credentials as api_key instead.
    // The URL is never logged for that reason.
    url.searchParams.set('api_key', `${this.options.username}:${this.options.password}`);
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (this.socket === socket) this.markConnected();
    });
    socket.addEventListener('message', (message: MessageEvent) => {
      if (this.socket === socket) this.dispatch(String(message.data));
    });
    socket.addEventListener('error', () => {
      // 'close' follows and drives the reconnect; the error itself carries no detail worth more.
      if (this.socket === socket && !this.connected) this.logger.warn(`ARI websocket to ${this.options.url} failed to open`);
    });
    socket.addEventListener('close', (event: CloseEvent) => {
      if (this.socket !== socket) return;
      if (this.connected) this.logger.warn(`ARI websocket lost (code ${event.code}); reconnecting`);
      this.socket = null;
      this.scheduleReconnect();
    });
  }

  private async checkCredentials(): Promise<void> {
    const response = await this.http.send('GET', new URL(`${this.base}/asterisk/info?only=build`), undefined, 5_000);
    if (response.status === 401) {
      throw new TelephonyError(TelephonyErrorCode.AriRequestFailed, `ARI refused the credentials of user "${this.options.username}" (401)`);
    }
  }

  private dispatch(raw: string): void {
    let event: { type?: string };
    try {
      event = JSON.parse(raw) as { type?: string };
    } catch (error) {
      this.logger.warn(`Skipped an ARI message that is not JSON: ${(error as Error).message}`);
      return;
    }
    const type = event.type as AriEventType | undefined;
    if (!type || !HANDLED_EVENTS.includes(type)) return;
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
      await this.request('PUT', `/applications/${encodeURIComponent(this.options.app)}/eventFilter`, {}, { allowed: HANDLED_EVENTS.map((type) => ({ type })) });
    } catch (error) {
      // Unfiltered events cost CPU but break nothing, so this is a warning, not a failure.
      this.logger.warn(`Could not set the ARI event filter: ${describeAriFailure(error)}`);
    }
  }

  private scheduleReconnect(): void {
    this.connected = false;
    this.dropSocket();
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.backoff.nextDelayMs());
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    this.connected = false;
    if (!socket) return;
    try {
      socket.close();
    } catch (error) {
      this.logger.warn(`Closing the old ARI websocket failed: ${describeAriFailure(error)}`);
    }
  }

  /** One REST request; a non-2xx answer becomes a TelephonyError naming the operation, status and ARI's message. */
  private async request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, query: Query = {}, body?: unknown): Promise<T> {
    if (!this.connected) throw new TelephonyError(TelephonyErrorCode.AriNotConnected, 'ARI is not connected');
    const url = new URL(`${this.base}${path}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    let response: AriHttpResponse;
    try {
      response = await this.http.send(method, url, body === undefined ? undefined : JSON.stringify(body));
    } catch (error) {
      throw new TelephonyError(TelephonyErrorCode.AriRequestFailed, `ARI ${method} ${path} failed: ${(error as Error).message}`, error);
    }
    const text = response.body;
    if (response.status < 200 || response.status > 299) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // Not JSON (e.g. an HTML error page): the raw text is the message.
      }
      throw new TelephonyError(TelephonyErrorCode.AriRequestFailed, `ARI ${method} ${path} failed: HTTP ${response.status} ${message}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async subscribeToChannel(channelId: string): Promise<void> {
    await this.request('POST', `/applications/${encodeURIComponent(this.options.app)}/subscription`, { eventSource: `channel:${channelId}` });
  }

  async answer(channelId: string): Promise<void> {
    await this.request('POST', `/channels/${encodeURIComponent(channelId)}/answer`);
  }

  async play(channelId: string, media: string[], playbackId: string, language?: string): Promise<void> {
    await this.request('POST', `/channels/${encodeURIComponent(channelId)}/play/${encodeURIComponent(playbackId)}`, { media: media.join(','), lang: language });
  }

  async stopPlayback(playbackId: string): Promise<void> {
    await this.request('DELETE', `/playbacks/${encodeURIComponent(playbackId)}`);
  }

  async hangup(channelId: string, reason: 'normal' | 'busy' | 'congestion' | 'no_answer' = 'normal'): Promise<void> {
    await this.request('DELETE', `/channels/${encodeURIComponent(channelId)}`, { reason });
  }

  listChannels(): Promise<AriChannel[]> {
    return this.request<AriChannel[]>('GET', '/channels');
  }

  async startMoh(channelId: string, mohClass?: string): Promise<void> {
    await this.request('POST', `/channels/${encodeURIComponent(channelId)}/moh`, { mohClass });
  }

  async stopMoh(channelId: string): Promise<void> {
    await this.request('DELETE', `/channels/${encodeURIComponent(channelId)}/moh`);
  }

  async record(channelId: string, request: RecordRequest): Promise<void> {
    await this.request('POST', `/channels/${encodeURIComponent(channelId)}/record`, {
      name: request.name,
      format: 'wav',
      maxDurationSeconds: request.maxDurationSeconds,
      maxSilenceSeconds: request.maxSilenceSeconds ?? 0,
      beep: request.beep,
      terminateOn: request.terminateOn,
      ifExists: 'fail',
    });
  }

  originate(request: OriginateRequest): Promise<AriChannel> {
    const target: Query = request.dialplan
      ? { context: request.dialplan.context, extension: request.dialplan.extension, priority: 1 }
      : { app: this.options.app, appArgs: request.appArgs ?? '' };
    return this.request<AriChannel>(
      'POST',
      `/channels/${encodeURIComponent(request.channelId)}`,
      { endpoint: request.endpoint, timeout: request.timeoutSeconds, callerId: request.callerId, ...target },
      request.variables ? { variables: request.variables } : undefined,
    );
  }

  async createBridge(bridgeId: string): Promise<void> {
    await this.request('POST', `/bridges/${encodeURIComponent(bridgeId)}`, { type: 'mixing' });
  }

  async addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    await this.request('POST', `/bridges/${encodeURIComponent(bridgeId)}/addChannel`, { channel: channelIds.join(',') });
  }

  async removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    await this.request('POST', `/bridges/${encodeURIComponent(bridgeId)}/removeChannel`, { channel: channelIds.join(',') });
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    await this.request('DELETE', `/bridges/${encodeURIComponent(bridgeId)}`);
  }

  snoop(request: SnoopRequest): Promise<AriChannel> {
    return this.request<AriChannel>('POST', `/channels/${encodeURIComponent(request.channelId)}/snoop/${encodeURIComponent(request.snoopId)}`, {
      spy: request.spy,
      whisper: request.whisper,
      app: this.options.app,
      appArgs: request.appArgs,
    });
  }

  listBridges(): Promise<AriBridge[]> {
    return this.request<AriBridge[]>('GET', '/bridges');
  }
}
