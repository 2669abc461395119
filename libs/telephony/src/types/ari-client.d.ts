// ari-client ships no types; this declares only the surface our adapter uses.
declare module 'ari-client' {
  import { EventEmitter } from 'node:events';

  interface AriResourceApi {
    [operation: string]: (params?: Record<string, unknown>) => Promise<unknown>;
  }

  export interface AriClient extends EventEmitter {
    start(apps: string | string[], subscribeAll?: boolean): Promise<void>;
    stop(): void;
    channels: AriResourceApi;
    bridges: AriResourceApi;
    playbacks: AriResourceApi;
    applications: AriResourceApi;
    asterisk: AriResourceApi;
  }

  export function connect(url: string, username: string, password: string): Promise<AriClient>;
}

declare module 'asterisk-manager' {
  import { EventEmitter } from 'node:events';

  interface AsteriskManagerInstance extends EventEmitter {
    options: { port?: number; host: string; username: string; password: string; events: boolean };
    connect(port: number, host: string, callback?: (error: Error | null) => void): void;
    login(callback: (error?: Record<string, string> | null) => void): void;
    action(action: Record<string, string>, callback: (error: Record<string, string> | undefined, response: Record<string, string>) => void): void;
    disconnect(): void;
    isConnected(): boolean;
  }

  function AsteriskManager(
    port: number | undefined,
    host: string,
    username: string,
    password: string,
    events: boolean,
  ): AsteriskManagerInstance;

  export = AsteriskManager;
}
