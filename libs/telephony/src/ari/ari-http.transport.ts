import http from 'node:http';
import https from 'node:https';

const IDLE_SOCKET_MS = 4_000;

export interface AriHttpResponse {
  status: number;
  body: string;
}

/**
 * ARI's REST calls over node:http with kept-alive sockets. Replaced fetch after profiling the benchmark
 * (bench/call-control.bench.ts, `--cpu-prof`): undici's fetch (WHATWG Request/Response/Headers, abort
 * signals, web streams) was 18 % of call-control's busy time for about eleven small requests per call.
 */
export class AriHttpTransport {
  private readonly agent: http.Agent;
  private readonly client: typeof http | typeof https;

  constructor(
    base: string,
    private readonly authorization: string,
    private readonly timeoutMs: number,
  ) {
    const secure = new URL(base).protocol === 'https:';
    this.client = secure ? https : http;
    // Asterisk's HTTP server keeps a connection open between requests for 15 s (http.conf
    // session_keep_alive); an idle socket is dropped here well before that, so a request never races its close.
    this.agent = new this.client.Agent({ keepAlive: true, maxSockets: 32, maxFreeSockets: 8, timeout: IDLE_SOCKET_MS });
  }

  send(method: string, url: URL, body?: string, timeoutMs = this.timeoutMs): Promise<AriHttpResponse> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { authorization: this.authorization };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const request = this.client.request(url, { method, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      // A refused connection to a host with two addresses is an AggregateError with an empty message.
      request.on('error', (error: NodeJS.ErrnoException) => reject(error.message ? error : new Error(error.code ?? 'connection failed', { cause: error })));
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
