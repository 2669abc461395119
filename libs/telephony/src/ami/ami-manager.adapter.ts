import { Logger } from '@nestjs/common';
import AsteriskManager from 'asterisk-manager';
import { Backoff } from '../backoff';
import { TelephonyError, TelephonyErrorCode } from '../telephony.errors';
import { AmiAction, AmiGateway, AmiResponse } from './ami.gateway';

export interface AmiConnectionOptions {
  host: string;
  port: number;
  username: string;
  password: string;
}

type Manager = ReturnType<typeof AsteriskManager>;

/**
 * AMI over asterisk-manager. Its own keepConnected() retries on a fixed 10 s+ schedule and hides login
 * failures, so this adapter logs in explicitly and reconnects with its own backoff.
 */
export class AmiManagerAdapter implements AmiGateway {
  private readonly logger = new Logger(AmiManagerAdapter.name);
  private readonly backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
  private manager: Manager | null = null;
  private authenticated = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private firstLogin: (() => void) | null = null;
  private readonly connectedHandlers: Array<() => void> = [];

  constructor(private readonly options: AmiConnectionOptions) {}

  isConnected(): boolean {
    return this.authenticated;
  }

  onConnected(handler: () => void): void {
    this.connectedHandlers.push(handler);
  }

  /** Resolves after the first successful login; reconnects in the background afterwards. */
  start(): Promise<void> {
    this.stopped = false;
    return new Promise((resolve) => {
      this.firstLogin = resolve;
      this.connect();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.drop();
  }

  action(action: AmiAction): Promise<AmiResponse> {
    const manager = this.manager;
    if (!manager || !this.authenticated) {
      return Promise.reject(new TelephonyError(TelephonyErrorCode.AmiNotConnected, 'AMI is not connected'));
    }
    return new Promise((resolve, reject) => {
      manager.action(action, (error, response) => {
        if (error) {
          reject(new TelephonyError(TelephonyErrorCode.AmiActionFailed, `AMI ${action.action ?? action.Action}: ${error.message ?? JSON.stringify(error)}`));
        } else {
          resolve(response);
        }
      });
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const { host, port, username, password } = this.options;
    const manager = AsteriskManager(undefined, host, username, password, false);
    this.manager = manager;
    manager.on('error', (error: Error) => this.logger.warn(`AMI ${host}:${port}: ${error.message}`));
    manager.on('close', () => {
      if (this.manager !== manager) return;
      if (this.authenticated) this.logger.warn('AMI connection closed; reconnecting');
      this.scheduleReconnect();
    });
    manager.connect(port, host, (error) => {
      if (error) return; // 'error' and 'close' follow and drive the retry.
      manager.login((loginError) => {
        if (loginError) {
          this.logger.error(`AMI login as ${username} refused: ${loginError.message ?? 'authentication failed'}`);
          this.scheduleReconnect();
          return;
        }
        // asterisk-manager asks for "Event: off" at login, a header Asterisk does not know, so every call
        // event the account may read (dozens per call) would stream in and be parsed for nothing. The Events
        // action turns them off for this session: call-control uses AMI for actions only.
        manager.action({ action: 'Events', eventmask: 'off' }, (eventsError) => {
          if (eventsError) this.logger.warn(`AMI could not turn events off: ${eventsError.message ?? JSON.stringify(eventsError)}`);
          this.authenticated = true;
          this.backoff.reset();
          this.logger.log(`AMI connected to ${host}:${port} as ${username}`);
          this.firstLogin?.();
          this.firstLogin = null;
          for (const handler of this.connectedHandlers) handler();
        });
      });
    });
  }

  private scheduleReconnect(): void {
    this.drop();
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, this.backoff.nextDelayMs());
  }

  private drop(): void {
    const manager = this.manager;
    this.manager = null;
    this.authenticated = false;
    if (!manager) return;
    manager.removeAllListeners();
    // The library emits 'error' on late socket failures; keep a listener so they are not thrown.
    manager.on('error', (error: Error) => this.logger.debug(`AMI (closed connection): ${error.message}`));
    manager.disconnect();
  }
}
