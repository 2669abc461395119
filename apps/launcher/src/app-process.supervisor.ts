import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Logger } from '@nestjs/common';

export interface SupervisedApp {
  name: string;
  script: string;
  env: Record<string, string>;
  /** A line in the app's output that means it is ready. */
  readyPattern: RegExp;
}

const COLOURS = ['\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];

/**
 * Runs the product's apps as child processes, prefixes their output, and stops them in reverse order.
 * If one dies on its own, `onUnexpectedExit` fires so the launcher can shut everything down.
 */
export class AppProcessSupervisor {
  private readonly logger = new Logger(AppProcessSupervisor.name);
  private readonly children: Array<{ name: string; child: ChildProcess }> = [];
  private stopping = false;

  constructor(private readonly onUnexpectedExit: (name: string, code: number | null) => void) {}

  start(app: SupervisedApp, timeoutMs = 60_000): Promise<void> {
    const colour = COLOURS[this.children.length % COLOURS.length];
    const child = spawn(process.execPath, ['--enable-source-maps', app.script], { env: app.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push({ name: app.name, child });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${app.name} did not report ready within ${timeoutMs / 1000} s`)), timeoutMs);
      for (const stream of [child.stdout!, child.stderr!]) {
        createInterface({ input: stream }).on('line', (line) => {
          process.stdout.write(`${colour}[${app.name}]\x1b[0m ${line}\n`);
          if (app.readyPattern.test(line)) {
            clearTimeout(timer);
            resolve();
          }
        });
      }
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${app.name} exited with ${code} before it was ready`));
        if (!this.stopping) this.onUnexpectedExit(app.name, code);
      });
    });
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const { name, child } of [...this.children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timeout = setTimeout(() => {
        this.logger.warn(`${name} ignored SIGTERM for 10 s; killing it`);
        child.kill('SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(timeout);
    }
  }
}
