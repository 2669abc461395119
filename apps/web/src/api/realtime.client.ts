import { io, type Socket } from 'socket.io-client';
import type {
  AgentStateRequest,
  ClientToServerEvents,
  HotlineEvent,
  RealtimeCommandAck,
  RealtimeSnapshot,
  ServerToClientEvents,
  WorkOrderChangedPayload,
} from '@hotline/contracts';

export type RealtimeState = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface RealtimeHandlers {
  onSnapshot(snapshot: RealtimeSnapshot): void;
  onEvent(event: HotlineEvent): void;
  onWorkOrderChanged(change: WorkOrderChangedPayload): void;
  onStateChange(state: RealtimeState): void;
  /** The server refused the token: the session is over. */
  onRefused(): void;
}

/** Same path as the gateway (REALTIME_SOCKET_PATH); under /api so the same proxy rule serves it. */
const SOCKET_PATH = '/api/socket.io';

export interface RealtimeConnection {
  close(): void;
  setAgentState(request: AgentStateRequest): Promise<RealtimeCommandAck>;
}

// call-control answers within its own 5 s; past that the agent should know rather than wait.
const ACK_TIMEOUT_MS = 8_000;

/**
 * Opens the realtime socket and keeps it open (socket.io reconnects by itself, with backoff) until
 * `close`. Websocket only: instances behind a balancer need no sticky sessions.
 */
export function connectRealtime(token: string, handlers: RealtimeHandlers): RealtimeConnection {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ path: SOCKET_PATH, transports: ['websocket'], auth: { token } });
  let everLive = false;
  handlers.onStateChange('connecting');
  socket.on('snapshot', (snapshot) => {
    everLive = true;
    handlers.onStateChange('live');
    handlers.onSnapshot(snapshot);
  });
  socket.on('hotline.event', (event) => handlers.onEvent(event));
  socket.on('work-order.changed', (change) => handlers.onWorkOrderChanged(change));
  socket.on('disconnect', () => handlers.onStateChange(everLive ? 'reconnecting' : 'connecting'));
  socket.on('connect_error', (error) => {
    if (error.message === 'TOKEN_INVALID' || error.message === 'TOKEN_MISSING') {
      handlers.onStateChange('refused');
      handlers.onRefused();
      socket.disconnect();
      return;
    }
    handlers.onStateChange(everLive ? 'reconnecting' : 'connecting');
  });
  return {
    close: () => {
      socket.removeAllListeners();
      socket.disconnect();
    },
    setAgentState: async (request) => {
      if (!socket.connected) return { ok: false, code: 'OFFLINE', message: 'not connected' };
      try {
        return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('agent.set-state', request);
      } catch {
        return { ok: false, code: 'TIMEOUT', message: 'no answer from the server' };
      }
    },
  };
}
