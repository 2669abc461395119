import { get, IncomingMessage } from 'node:http';

export interface ServerSentEvent {
  event: string;
  id?: string;
  data: string;
}

/** A minimal EventSource for tests: collects parsed events and lets a test wait for the one it expects. */
export class SseTestClient {
  private readonly events: ServerSentEvent[] = [];
  private readonly waiters: Array<() => void> = [];
  private response?: IncomingMessage;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  private markEnded!: () => void;

  private constructor(private readonly close$: () => void) {
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
  }

  /** `headers`: e.g. an Authorization header (the stream is for logged-in staff; browsers use ?ticket=). */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseTestClient> {
    return new Promise((resolve, reject) => {
      const request = get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`SSE ${url} answered ${response.statusCode}`));
          response.resume();
          return;
        }
        const client = new SseTestClient(() => request.destroy());
        client.response = response;
        let buffer = '';
        response.setEncoding('utf8');
        response.on('end', () => client.markEnded());
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            client.receive(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        });
        resolve(client);
      });
      request.on('error', reject);
    });
  }

  get headers(): IncomingMessage['headers'] {
    return this.response?.headers ?? {};
  }

  /** Resolves with the first event (already received or still to come) that matches. */
  async waitFor(match: (event: ServerSentEvent) => boolean, timeoutMs = 3_000): Promise<ServerSentEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No matching server-sent event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  get received(): readonly ServerSentEvent[] {
    return this.events;
  }

  close(): void {
    this.close$();
  }

  private receive(block: string): void {
    const event: ServerSentEvent = { event: 'message', data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event.event = value;
      else if (field === 'id') event.id = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    event.data = data.join('\n');
    this.events.push(event);
    for (const wake of this.waiters.splice(0)) wake();
  }
}
