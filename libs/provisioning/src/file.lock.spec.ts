import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withFileLock } from './file.lock';
import { LockTimeoutError } from './provisioning.errors';

describe('withFileLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lock-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('runs holders one after the other and releases on success and failure', async () => {
    const lock = path.join(dir, 'build.lock');
    const events: string[] = [];
    const holder = (name: string, fail = false) =>
      withFileLock(lock, { purpose: 'test', pollMs: 10 }, async () => {
        events.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, 30));
        events.push(`${name}:end`);
        if (fail) throw new Error('boom');
        return name;
      });
    const results = await Promise.allSettled([holder('a', true), holder('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    // Either may win the race for the lock; what matters is that the two never overlap.
    const first = events[0]!.split(':')[0];
    const second = first === 'a' ? 'b' : 'a';
    expect(events).toEqual([`${first}:start`, `${first}:end`, `${second}:start`, `${second}:end`]);
    await expect(fs.access(lock)).rejects.toThrow();
  });

  it('breaks a lock whose owner process is gone', async () => {
    const lock = path.join(dir, 'stale.lock');
    // A pid that existed and has exited: a finished child's.
    const deadPid = spawnSync('true').pid as number;
    await fs.mkdir(lock);
    await fs.writeFile(
      path.join(lock, 'owner.json'),
      JSON.stringify({ pid: deadPid, hostname: os.hostname(), startTicks: null, purpose: 'old', acquiredAt: 'then' }),
    );
    const log: string[] = [];
    await expect(withFileLock(lock, { purpose: 'test', log: (l) => log.push(l), pollMs: 10 }, async () => 'ran')).resolves.toBe('ran');
    expect(log.join('\n')).toMatch(/breaking stale test lock/);
  });

  it('waits for a live owner and gives up with a clear error', async () => {
    const lock = path.join(dir, 'live.lock');
    await fs.mkdir(lock);
    await fs.writeFile(
      path.join(lock, 'owner.json'),
      JSON.stringify({ pid: process.pid, hostname: os.hostname(), startTicks: null, purpose: 'other', acquiredAt: 'now' }),
    );
    await expect(withFileLock(lock, { purpose: 'test', timeoutMs: 100, pollMs: 10 }, async () => 'never')).rejects.toThrow(LockTimeoutError);
  });
});
