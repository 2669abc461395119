import { LIVE_STREAM_READY_EVENT, type HotlineEvent } from '@hotline/contracts';

export type LiveConnectionState = 'connecting' | 'live' | 'reconnecting';

export interface LiveEventHandlers {
  onEvent(event: HotlineEvent): void;
  /** The server listens to the event channel; `resumed` is true after a reconnect, when events may have been missed. */
  onReady(resumed: boolean): void;
  onStateChange(state: LiveConnectionState): void;
}

const STREAM_URL = '/api/events/stream';
// EventSource retries by itself after network errors, but gives up for good on an HTTP error (a 502 from a
// proxy while the api restarts); then a new one is opened after this pause.
const REOPEN_AFTER_MS = 3_000;

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

  const open = () => {
    handlers.onStateChange(wasReady ? 'reconnecting' : 'connecting');
    source = new EventSource(STREAM_URL);
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
      if (source?.readyState === EventSource.CLOSED && !stopped) {
        source = undefined;
        reopenTimer = setTimeout(open, REOPEN_AFTER_MS);
      }
    };
  };

  open();
  return () => {
    stopped = true;
    clearTimeout(reopenTimer);
    source?.close();
  };
}
