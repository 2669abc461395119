import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { isErrno } from './file.lock';
import { PortInUseError } from './provisioning.errors';

export interface PortClaim {
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  /** What the port is for, used in the error ("SIP", "ARI HTTP"). */
  readonly purpose: string;
}

const LOOPBACK = '127.0.0.1';

/**
 * Throws {@link PortInUseError} for the first claimed port that cannot be
 * bound on 127.0.0.1. Asterisk itself would only log a bind failure and keep
 * running without SIP or ARI, which shows up much later as a confusing
 * timeout; checking first gives an error naming the port.
 * A bind on 127.0.0.1 also fails when something holds the port on 0.0.0.0.
 */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  for (const claim of claims) {
    try {
      await (claim.protocol === 'tcp' ? probeTcp(claim.port) : probeUdp(claim.port));
    } catch (error) {
      if (isErrno(error, 'EADDRINUSE') || isErrno(error, 'EACCES')) {
        throw new PortInUseError(claim.port, claim.protocol, claim.purpose, { cause: error });
      }
      throw error;
    }
  }
}

/**
 * Asks the kernel for `count` distinct free ports (bind to port 0) that are
 * free for both TCP and UDP on loopback. Good enough for tests and for a
 * developer's launcher; a port can of course be taken between this call and
 * its use, which assertPortsFree then reports.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, LOOPBACK, () => {
        const address = server.address();
        server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
      });
    });
    if (ports.includes(port)) continue;
    try {
      await probeUdp(port);
    } catch (error) {
      if (isErrno(error, 'EADDRINUSE')) continue;
      throw error;
    }
    ports.push(port);
  }
  return ports;
}

/**
 * A free, even-aligned UDP range of `size` ports (RTP uses even ports, RTCP
 * the next odd one). Probes every port, so keep `size` modest.
 */
export async function findFreeUdpRange(size: number, options: { from?: number; to?: number } = {}): Promise<{ start: number; end: number }> {
  const from = options.from ?? 20_000;
  const to = options.to ?? 30_000;
  for (let start = from + (from % 2); start + size - 1 <= to; start += size + (size % 2)) {
    let free = true;
    for (let port = start; port < start + size && free; port++) {
      try {
        await probeUdp(port);
      } catch (error) {
        if (!isErrno(error, 'EADDRINUSE')) throw error;
        free = false;
      }
    }
    if (free) return { start, end: start + size - 1 };
  }
  throw new Error(`No free UDP range of ${size} ports between ${from} and ${to}`);
}

function probeTcp(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => server.close(() => resolve()));
  });
}

function probeUdp(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    socket.once('error', (error) => {
      // A socket whose bind failed is already unusable; closing it only releases the handle.
      try {
        socket.close();
      } catch {
        // ERR_SOCKET_DGRAM_NOT_RUNNING: nothing left to release.
      }
      reject(error);
    });
    socket.bind(port, LOOPBACK, () => socket.close(() => resolve()));
  });
}
