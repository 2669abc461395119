import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { AriHealthProbe } from './ari-health.probe';

/** A stand-in for Asterisk's HTTP server, answering whatever the test tells it to. */
async function fakeAsterisk(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function closed(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('AriHealthProbe', () => {
  const credentials = { username: 'hotline', password: 'a-long-generated-secret' };
  let server: Server | undefined;

  afterEach(async () => {
    if (server) await closed(server);
    server = undefined;
  });

  it('is up with the Asterisk version when the info endpoint answers, sending basic auth', async () => {
    let seen: { url?: string; authorization?: string } = {};
    const fake = await fakeAsterisk((request, response) => {
      seen = { url: request.url, authorization: request.headers.authorization };
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ system: { version: '22.10.1', entity_id: 'x' }, status: {} }));
    });
    server = fake.server;

    const result = await new AriHealthProbe({ url: `${fake.url}/`, ...credentials }).check();

    expect(result).toMatchObject({ up: true, version: '22.10.1' });
    expect(seen.url).toBe('/ari/asterisk/info');
    expect(seen.authorization).toBe(`Basic ${Buffer.from('hotline:a-long-generated-secret').toString('base64')}`);
  });

  it('is down with a hint when the credentials are refused', async () => {
    const fake = await fakeAsterisk((_request, response) => {
      response.statusCode = 401;
      response.end('{"message":"Authentication required"}');
    });
    server = fake.server;

    const result = await new AriHealthProbe({ url: fake.url, ...credentials }).check();

    expect(result).toMatchObject({ up: false, reason: expect.stringMatching(/^HTTP 401 .*ARI_USERNAME/) });
  });

  it('is down, not hanging, when Asterisk does not answer in time', async () => {
    const fake = await fakeAsterisk(() => undefined);
    server = fake.server;

    const result = await new AriHealthProbe({ url: fake.url, ...credentials, timeoutMs: 150 }).check();

    expect(result).toEqual({ up: false, latencyMs: expect.any(Number), reason: 'no answer within 150 ms' });
    expect(result.latencyMs).toBeLessThan(1_000);
  });

  it('is down with the network error when nothing listens', async () => {
    const fake = await fakeAsterisk(() => undefined);
    await closed(fake.server);

    const result = await new AriHealthProbe({ url: fake.url, ...credentials }).check();

    expect(result).toMatchObject({ up: false, reason: expect.stringContaining('ECONNREFUSED') });
  });
});
