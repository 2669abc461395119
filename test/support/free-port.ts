import { AddressInfo, createServer } from 'node:net';

/**
 * A port nothing listens on right now: the OS picks it, we release it. Used both for servers the test is
 * about to start and for "closed" ports that stand in for a component that is down.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
