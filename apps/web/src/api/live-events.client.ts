import { LIVE_STREAM_READY_EVENT, type HotlineEvent } from '@hotline/contracts';
import { ApiRequestError } from './api.client';
import { authedClient } from './authed.client';

export type LiveConnectionState = 'connecting' | 'live' | 'reconnecting';

export interface LiveEventHandlers {
  onEvent(event: HotlineEvent): void;
  /** The server listens to the event channel; `resumed` is true after a reconnect, when events may have been missed. */
  onReady(resumed: boolean): void;
  onStateChange(state: LiveConnectionState): void;
}

const STREAM_URL = '/api/events/stream';
// EventSource cannot send the Authorization header, so each connection opens with a one-time ticket asked for
// with it (POST /api/events/ticket). EventSource's own retry would reuse the spent ticket and get a 401, so on
// any error the source is closed and a new one, with a new ticket, is opened after this pause.
const REOPEN_AFTER_MS = 3_000;

interface StreamTicket {
  ticket: string;
  expiresIn: number;
}

function isHotlineEvent(value: unknown): value is HotlineEvent {
  const event = value as Partial<HotlineEvent> | null;
  return typeof event?.id === 'string' && typeof event.type === 'string' && typeof event.payload === 'object' && event.payload !== null;
}

/** Opens the live event stream and keeps it open until the returned function is called. */
export function connectLiveEvents(handlers: LiveEventHandlers): () => void {
  let wasReady = false;
  let source: EventSource | undefined;
  let reopenTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const reopenLater = () => {
    if (!stopped) reopenTimer = setTimeout(() => void open(), REOPEN_AFTER_MS);
  };

  const open = async () => {
    handlers.onStateChange(wasReady ? 'reconnecting' : 'connecting');
    let ticket: StreamTicket;
    try {
      ticket = await authedClient.post<StreamTicket>('/events/ticket', undefined);
    } catch (error) {
      // Logged out (401: the session store returns to the login page) or a role without the stream (403):
      // asking again would get the same answer. Anything else (api restarting) is worth another try.
      if (error instanceof ApiRequestError && (error.status === 401 || error.status === 403)) return;
      reopenLater();
      return;
    }
    if (stopped) return;
    source = new EventSource(`${STREAM_URL}?ticket=${encodeURIComponent(ticket.ticket)}`);
    source.addEventListener(LIVE_STREAM_READY_EVENT, () => {
      handlers.onStateChange('live');
      handlers.onReady(wasReady);
      wasReady = true;
    });
    source.onmessage = (message: MessageEvent<string>) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.data);
      } catch {
        console.warn('Ignored a live event that is not JSON', message.data);
        return;
      }
      if (isHotlineEvent(parsed)) handlers.onEvent(parsed);
      else console.warn('Ignored a live event of unexpected shape', parsed);
    };
    source.onerror = () => {
      handlers.onStateChange(wasReady ? 'reconnecting' : 'connecting');
      source?.close();
      source = undefined;
      reopenLater();
    };
  };

  void open();
  return () => {
    stopped = true;
    clearTimeout(reopenTimer);
    source?.close();
  };
}
