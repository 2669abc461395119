import { spawn } from 'node:child_process';
import { CommandFailedError } from './provisioning.errors';

export interface CommandSpec {
  readonly command: string;
  readonly args: readonly string[];
  /** Full environment of the child; nothing is inherited implicitly. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Kill the child with SIGKILL after this long (default: no limit). */
  readonly timeoutMs?: number;
  /** Called for every complete output line, as it arrives (progress reporting). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface CommandResult {
  /** null when the process was killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/**
 * Runs a command to completion. Injected everywhere so unit specs can
 * replace it with a fake; the real one is {@link spawnCommand}.
 * Must resolve (not reject) on non-zero exit; reject only if spawn fails.
 */
export type CommandRunner = (spec: CommandSpec) => Promise<CommandResult>;

/** Output kept per stream; debootstrap prints ~1000 lines, a megabyte is plenty and bounds memory. */
const MAX_CAPTURE_CHARS = 1_000_000;

export const spawnCommand: CommandRunner = (spec) =>
  new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: stripUndefined(spec.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const captured = { stdout: '', stderr: '' };
    const partial = { stdout: '', stderr: '' };
    let timedOut = false;
    const timer =
      spec.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, spec.timeoutMs);

    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      captured[stream] = (captured[stream] + text).slice(-MAX_CAPTURE_CHARS);
      if (!spec.onLine) return;
      const lines = (partial[stream] + text).split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) spec.onLine(line.replace(/\r$/, ''), stream);
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(new CommandFailedError(spec.command, spec.args, null, null, '', { cause: error }));
    });
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      if (spec.onLine) {
        for (const stream of ['stdout', 'stderr'] as const) {
          if (partial[stream]) spec.onLine(partial[stream], stream);
        }
      }
      resolve({ exitCode, signal, stdout: captured.stdout, stderr: captured.stderr, timedOut });
    });
  });

/** Runs a command and throws {@link CommandFailedError} unless it exits 0. */
export async function runChecked(runner: CommandRunner, spec: CommandSpec, hint?: string): Promise<CommandResult> {
  const result = await runner(spec);
  if (result.exitCode !== 0) {
    throw new CommandFailedError(
      spec.command,
      spec.args,
      result.exitCode,
      result.timedOut ? `SIGKILL (timeout after ${spec.timeoutMs} ms)` : result.signal,
      tailLines(`${result.stdout}\n${result.stderr}`, 20),
      { hint },
    );
  }
  return result;
}

/** Last `count` non-empty lines of a text, for error messages. */
export function tailLines(text: string, count: number): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .join('\n');
}

function stripUndefined(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
