import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { AppConfig } from '@hotline/config';

const ROOT = path.resolve(__dirname, '..', '..');

export interface CallControlChild {
  readonly pid: number;
  /** SIGKILL: the process dies mid-flight, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait (graceful). */
  stop(): Promise<void>;
}

/**
 * Starts call-control in its own process with this configuration; resolves once it is connected. `built`: from
 * the production build in dist/ (the benchmark), instead of compiling the sources in the process (tests).
 */
export async function startCallControlChild(config: AppConfig, label: string, options: { built?: boolean } = {}): Promise<CallControlChild> {
  const env = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]));
  // Built: no --enable-source-maps, as in production (deploy/node/Dockerfile), whose heap it would grow.
  const entry = options.built ? ['test/support/call-control-process.js', 'built'] : ['-r', './test/support/swc-register.js', 'test/support/call-control-process.js', 'source'];
  const child: ChildProcess = spawn(process.execPath, entry, {
    cwd: ROOT,
    env: { ...process.env, HOTLINE_TEST_CONFIG: JSON.stringify(env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[${label}] ${chunk.toString()}`));
  forwardWarnings(child, label);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not get ready within 60 s`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code} before it was ready`));
    });
  });
  return {
    pid: child.pid!,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Warnings, and what a restarted process took back: the order of the two explains a refusal after a crash. */
const FORWARDED = /\bWARN\b|Re-adopted/;

/**
 * The child's warnings go to the test's output (Nest writes errors to stderr, forwarded above, and the rest to
 * stdout): a test that fails on a refusal can then show what call-control saw. Other routine log lines stay out.
 */
function forwardWarnings(child: ChildProcess, label: string): void {
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (FORWARDED.test(line)) process.stderr.write(`[${label}] ${line}\n`);
  });
}
