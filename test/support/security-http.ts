import * as http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method: string;
  /** Path with query, sent as is (no normalisation or encoding by a client library). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Source address on loopback (127.0.0.2 ...), to act as a different client. */
  localAddress?: string;
  agent?: http.Agent;
  timeoutMs?: number;
  /** Resolve with the status and headers and drop the body: for endless streams (Server-Sent Events). */
  headersOnly?: boolean;
}

/**
 * One HTTP request through node:http, byte for byte what the test built: fetch would refuse or rewrite
 * malformed methods, paths and bodies, which is exactly what the security tests need to send.
 */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: {
          ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}),
          ...request.headers,
        },
        localAddress: request.localAddress,
        // No keep-alive unless asked: a pooled socket would outlive the test server and keep jest from exiting.
        agent: request.agent ?? false,
        timeout: request.timeoutMs ?? 10_000,
      },
      (res) => {
        if (request.headersOnly) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
          res.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${request.method} ${request.path}: no answer in ${request.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

export async function loginAs(baseUrl: string, username: string, password: string, localAddress?: string): Promise<RawResponse> {
  return rawRequest(baseUrl, {
    method: 'POST',
    path: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    localAddress,
  });
}
