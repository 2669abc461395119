import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AriHttpTransport } from './ari-http.transport';

describe('AriHttpTransport', () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ method: string; url: string; authorization?: string; contentType?: string; body: string; socket: number }> = [];
  const sockets = new Map<object, number>();

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        if (!sockets.has(request.socket)) sockets.set(request.socket, sockets.size + 1);
        seen.push({ method: request.method!, url: request.url!, authorization: request.headers.authorization, contentType: request.headers['content-type'], body, socket: sockets.get(request.socket)! });
        if (request.url!.startsWith('/ari/slow')) return; // never answers
        response.writeHead(request.url!.startsWith('/ari/missing') ? 404 : 200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ echo: body || null }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ari`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => (seen.length = 0));

  it('sends the method, credentials and JSON body, and returns status and body; sequential requests reuse kept-alive sockets', async () => {
    const transport = new AriHttpTransport(base, 'Basic eDp5', 2_000);
    const first = await transport.send('POST', new URL(`${base}/channels/c1/answer`), JSON.stringify({ variables: { 通话: '12345' } }));
    const second = await transport.send('DELETE', new URL(`${base}/channels/c1?reason=normal`));
    for (let i = 0; i < 98; i += 1) await transport.send('GET', new URL(`${base}/channels`));
    await transport.close();

    expect(first).toEqual({ status: 200, body: JSON.stringify({ echo: JSON.stringify({ variables: { 通话: '12345' } }) }) });
    expect(second.status).toBe(200);
    expect(seen.slice(0, 2).map(({ method, url, authorization, contentType }) => ({ method, url, authorization, contentType }))).toEqual([
      { method: 'POST', url: '/ari/channels/c1/answer', authorization: 'Basic eDp5', contentType: 'application/json' },
      { method: 'DELETE', url: '/ari/channels/c1?reason=normal', authorization: 'Basic eDp5', contentType: undefined },
    ]);
    // The transport's rule: requests one after the other share kept-alive sockets - a hundred of them open at
    // most two. Not one: undici's Pool may dispatch to a second connection while the first is being handed back.
    expect(seen).toHaveLength(100);
    expect(new Set(seen.map((request) => request.socket)).size).toBeLessThanOrEqual(2);
  });

  it('returns error statuses to the caller (the adapter turns them into errors with ARI\'s message)', async () => {
    const transport = new AriHttpTransport(base, 'Basic eDp5', 2_000);
    await expect(transport.send('GET', new URL(`${base}/missing`))).resolves.toMatchObject({ status: 404 });
    await transport.close();
  });

  it('gives up on a request Asterisk does not answer, naming the time', async () => {
    const transport = new AriHttpTransport(base, 'Basic eDp5', 200);
    await expect(transport.send('GET', new URL(`${base}/slow`))).rejects.toThrow('no answer within 200 ms');
    await transport.close();
  });

  it('reports a refused connection with its code', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const transport = new AriHttpTransport(`http://127.0.0.1:${port}/ari`, 'Basic eDp5', 2_000);
    await expect(transport.send('GET', new URL(`http://127.0.0.1:${port}/ari/asterisk/info`))).rejects.toThrow(/ECONNREFUSED/);
    await transport.close();
  });
});
