import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LockTimeoutError } from './provisioning.errors';
import type { ProvisioningLog } from './provisioning.types';

export interface FileLockOptions {
  /** What is being protected, for log lines ("chroot build"). */
  readonly purpose: string;
  readonly log?: ProvisioningLog;
  /** Give up waiting after this long. A cold chroot build takes minutes, so the default is generous. */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  /** Start time of the owner process (/proc/PID/stat field 22) so a recycled pid is not mistaken for the owner. */
  readonly startTicks: string | null;
  readonly purpose: string;
  readonly acquiredAt: string;
}

const OWNER_FILE = 'owner.json';
/** A lock directory without owner file older than this is a crash between mkdir and write. */
const ORPHAN_GRACE_MS = 30_000;

/**
 * Runs `fn` while holding an exclusive lock between processes on this
 * machine (npm start and npm test share the cache folder).
 *
 * mkdir is atomic on every local filesystem, so the directory itself is the
 * lock; the owner file inside lets a waiter detect a holder that died (its pid
 * is gone or belongs to another process now) and break the lock.
 */
export async function withFileLock<T>(lockPath: string, options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  await acquire(lockPath, options);
  try {
    return await fn();
  } finally {
    await fs.rm(lockPath, { recursive: true, force: true });
  }
}

async function acquire(lockPath: string, options: FileLockOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 20 * 60_000;
  const pollMs = options.pollMs ?? 500;
  const started = Date.now();
  let lastReport = 0;
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  for (;;) {
    try {
      await fs.mkdir(lockPath);
      const owner: LockOwner = {
        pid: process.pid,
        hostname: os.hostname(),
        startTicks: await processStartTicks(process.pid),
        purpose: options.purpose,
        acquiredAt: new Date().toISOString(),
      };
      await fs.writeFile(path.join(lockPath, OWNER_FILE), JSON.stringify(owner));
      return;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }

    const owner = await readOwner(lockPath);
    if (await isStale(lockPath, owner)) {
      options.log?.(`[lock] breaking stale ${options.purpose} lock ${lockPath} (${describe(owner)} is gone)`);
      await breakLock(lockPath, owner);
      continue;
    }
    const waited = Date.now() - started;
    if (waited > timeoutMs) throw new LockTimeoutError(lockPath, describe(owner), waited);
    if (Date.now() - lastReport >= 10_000) {
      lastReport = Date.now();
      options.log?.(
        `[lock] waiting for ${options.purpose}: held by ${describe(owner)} (${Math.round(waited / 1000)} s so far)`,
      );
    }
    await sleep(pollMs);
  }
}

async function readOwner(lockPath: string): Promise<LockOwner | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(lockPath, OWNER_FILE), 'utf8')) as LockOwner;
  } catch (error) {
    // Missing: the holder is between mkdir and writeFile, or died there.
    // Unparsable: it is mid-write. Both are resolved by isStale's grace period.
    if (isErrno(error, 'ENOENT') || error instanceof SyntaxError) return null;
    throw error;
  }
}

async function isStale(lockPath: string, owner: LockOwner | null): Promise<boolean> {
  if (owner === null) {
    try {
      const stat = await fs.stat(lockPath);
      return Date.now() - stat.mtimeMs > ORPHAN_GRACE_MS;
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return false; // released meanwhile; the next mkdir will tell
      throw error;
    }
  }
  // A lock from another machine (shared network home) cannot be checked; never break it.
  if (owner.hostname !== os.hostname()) return false;
  if (!isProcessAlive(owner.pid)) return true;
  const ticks = await processStartTicks(owner.pid);
  return owner.startTicks !== null && ticks !== null && ticks !== owner.startTicks;
}

/**
 * Moves the stale lock aside under a unique name, then checks it really was
 * the stale one: two waiters may decide "stale" at the same moment, and the
 * slower one must not throw away the lock the faster one just took.
 */
async function breakLock(lockPath: string, observed: LockOwner | null): Promise<void> {
  const tombstone = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(lockPath, tombstone);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return; // someone else broke or released it
    throw error;
  }
  const moved = await readOwner(tombstone);
  if (observed !== null && moved !== null && moved.pid !== observed.pid) {
    // We moved a fresh lock: put it back. If that fails a third process has
    // taken the path meanwhile; the original holder keeps working and its
    // release removes the path, which is the worst case (two holders) we
    // accept as practically unreachable.
    await fs.rename(tombstone, lockPath).catch(() => undefined);
    return;
  }
  await fs.rm(tombstone, { recursive: true, force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return isErrno(error, 'EPERM');
  }
}

/** Field 22 of /proc/PID/stat (start time in clock ticks), or null when unknown. */
export async function processStartTicks(pid: number): Promise<string | null> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses; fields after the last ')' are safe to split.
    const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return afterName[19] ?? null; // field 22 is the 20th after "pid (comm)"
  } catch {
    return null; // not Linux or the process is gone: fall back to the pid check alone
  }
}

function describe(owner: LockOwner | null): string {
  return owner ? `pid ${owner.pid} on ${owner.hostname} since ${owner.acquiredAt}` : 'an unknown process';
}

export function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
