import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { io, Socket } from 'socket.io-client';
import type { AppConfig } from '@hotline/config';
import { REALTIME_SOCKET_PATH, type ClientToServerEvents, type HotlineEvent, type ServerToClientEvents } from '@hotline/realtime';
import { loginToken } from '../../test/support/browser-fixtures';

const ROOT = path.resolve(__dirname, '..', '..');

export interface BenchApi {
  pid: number;
  url: string;
  /** A supervisor's socket.io connection (websocket, as the browser): every event it received, with its arrival time. */
  received: Array<{ event: HotlineEvent; at: number }>;
  stop(): Promise<void>;
}

/** Starts the api in its own process with this configuration and connects one supervisor browser session to it. */
export async function startBenchApi(config: AppConfig): Promise<BenchApi> {
  const env = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]));
  const child: ChildProcess = spawn(process.execPath, ['-r', './test/support/swc-register.js', 'bench/lib/api-process.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOTLINE_BENCH_CONFIG: JSON.stringify(env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[api] ${chunk.toString()}`));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the api did not get ready within 90 s')), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /READY (\S+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the api exited with ${code} before it was ready`));
    });
  });
  const token = await loginToken(url, 'supervisor');
  const received: BenchApi['received'] = [];
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { path: REALTIME_SOCKET_PATH, transports: ['websocket'], auth: { token }, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.on('hotline.event', (event) => received.push({ event, at: Date.now() }));
  return {
    pid: child.pid!,
    url,
    received,
    stop: async () => {
      socket.disconnect();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
