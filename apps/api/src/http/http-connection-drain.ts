import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';

const SWEEP_MS = 50;

/**
 * Lets shutdown finish as soon as the last response is done. `server.close()` closes only the keep-alive
 * connections that are idle at that instant; one whose response ends a moment later (an event stream ended
 * by shutdown, a request in flight) would keep the process waiting for the keep-alive timeout (5 s).
 * Sweeping idle connections until the server is closed drains gracefully without cutting any response.
 */
@Injectable()
export class HttpConnectionDrain implements BeforeApplicationShutdown {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  beforeApplicationShutdown(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
    sweep.unref();
    server.once('close', () => clearInterval(sweep));
  }
}
