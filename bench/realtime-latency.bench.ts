/*
 * Realtime fan-out latency: a hotline event published to Redis (what call-control does) until each of 200
 * connected socket.io clients has it, through the real api (Redis subscriber → gateway → websocket). Run:
 *
 *   node -r ./test/support/swc-register.js bench/realtime-latency.bench.ts [--clients 200] [--events 200]
 *
 * Starts the api in this process on a throw-away database (as the tests do), logs in as the supervisor,
 * connects the clients (websocket transport, same as the browser), publishes call.started events 25 ms
 * apart and measures, per delivery, the time from PUBLISH to the client's handler. The clients share this
 * process with the api, so the numbers include their parsing too: an upper bound for the server's part.
 * Prints p50/p95/p99/max and writes bench/results/realtime-latency-<date>.json. Not part of npm test.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import { REALTIME_SOCKET_PATH, type ClientToServerEvents, type HotlineEvent, type ServerToClientEvents } from '@hotline/realtime';
import { loginToken, startSeededApi } from '../test/support/browser-fixtures';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => Number(args[args.indexOf(name) + 1] ?? 0) || fallback;
const CLIENTS = args.includes('--clients') ? option('--clients', 200) : 200;
const EVENTS = args.includes('--events') ? option('--events', 200) : 200;
const SPACING_MS = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  const api = await startSeededApi('bench_realtime');
  const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
  try {
    const token = await loginToken(api.url, 'supervisor');
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let ready = 0;
    await new Promise<void>((resolve, reject) => {
      for (let i = 0; i < CLIENTS; i += 1) {
        const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(api.url, { path: REALTIME_SOCKET_PATH, transports: ['websocket'], auth: { token }, forceNew: true });
        socket.once('snapshot', () => {
          ready += 1;
          if (ready === CLIENTS) resolve();
        });
        socket.once('connect_error', reject);
        socket.on('hotline.event', (event) => {
          const start = sentAt.get(event.id);
          if (start !== undefined) latencies.push(performance.now() - start);
        });
        sockets.push(socket);
      }
    });
    console.log(`${CLIENTS} clients connected; publishing ${EVENTS} events ${SPACING_MS} ms apart`);
    for (let i = 0; i < EVENTS; i += 1) {
      const event: HotlineEvent<'call.started'> = {
        id: randomUUID(),
        type: 'call.started',
        version: 1,
        occurredAt: new Date().toISOString(),
        payload: { callId: randomUUID(), channelId: `bench.${i}`, callerNumber: '13912345678', dialedNumber: '12345', startedAt: new Date().toISOString() },
      };
      sentAt.set(event.id, performance.now());
      await api.publish(event);
      await sleep(SPACING_MS);
    }
    await sleep(1_000);
    const sorted = [...latencies].sort((a, b) => a - b);
    const round = (value: number) => Math.round(value * 100) / 100;
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.type()} ${os.release()}` },
      clients: CLIENTS,
      events: EVENTS,
      deliveries: { expected: CLIENTS * EVENTS, received: latencies.length },
      latencyMs: { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) },
    };
    console.table(result.latencyMs);
    console.log(JSON.stringify(result, null, 2));
    const out = path.join(__dirname, 'results', `realtime-latency-${result.date.slice(0, 10)}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const socket of sockets) socket.disconnect();
    await api.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
