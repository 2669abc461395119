import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readMounts } from './chroot-mount.manager';
import { runChecked, spawnCommand, type CommandRunner } from './command.runner';
import { isErrno } from './file.lock';
import { DEFAULT_HOST_ENV, type HostEnv, type ProvisioningLog } from './provisioning.types';

/** Sub-folder of the store for messages callers leave (ARI channel recordings), next to the call recordings. */
export const MESSAGES_SUBDIR = 'messages';

export interface RecordingsStoreOptions {
  /** Host folder that holds the recordings (outside the chroot); created if missing. */
  readonly hostDir: string;
  /** Where Asterisk sees the store: a folder inside the instance (host path of it). */
  readonly mountPoint: string;
  /** Asterisk writes as the chroot's asterisk user, so the store must belong to it. */
  readonly owner: { readonly uid: number; readonly gid: number };
  readonly runCommand?: CommandRunner;
  readonly env?: HostEnv;
  readonly log?: ProvisioningLog;
}

/**
 * Makes a host folder outside Asterisk's root appear inside the instance, with a bind mount: MixMonitor
 * and ARI recordings are written straight into the store the api reads, and a rebuilt or deleted chroot
 * never takes recordings with it. A mount left by a crashed run is replaced, never stacked.
 */
export async function mountRecordingsStore(options: RecordingsStoreOptions): Promise<void> {
  const env = options.env ?? DEFAULT_HOST_ENV;
  const run = options.runCommand ?? spawnCommand;
  await fs.mkdir(path.join(options.hostDir, MESSAGES_SUBDIR), { recursive: true, mode: 0o750 });
  for (const dir of [options.hostDir, path.join(options.hostDir, MESSAGES_SUBDIR)]) {
    await fs.chown(dir, options.owner.uid, options.owner.gid);
  }
  await fs.mkdir(options.mountPoint, { recursive: true, mode: 0o750 });
  await unmountRecordingsStore(options.mountPoint, options);
  options.log?.(`[recordings] store ${options.hostDir} bound at ${options.mountPoint}`);
  await runChecked(run, { command: 'mount', args: ['--bind', options.hostDir, options.mountPoint], env });
}

/** Unmounts the store from the instance if it is mounted there (idempotent). */
export async function unmountRecordingsStore(
  mountPoint: string,
  options: { readonly runCommand?: CommandRunner; readonly env?: HostEnv } = {},
): Promise<void> {
  const target = await fs.realpath(mountPoint).catch((error: unknown) => {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  });
  if (target === null) return;
  const mounted = (await readMounts()).filter((entry) => entry.mountPoint === target).length;
  for (let i = 0; i < mounted; i += 1) {
    // Lazy: Asterisk may still hold a file of a call that is being torn down.
    await runChecked(options.runCommand ?? spawnCommand, { command: 'umount', args: ['-l', target], env: options.env ?? DEFAULT_HOST_ENV });
  }
}

/**
 * ARI stores channel recordings under astspooldir/recording; that folder becomes a link into the store
 * so a caller's message lands there too. An existing real folder from an older layout is kept aside.
 */
export async function linkSpoolRecordingsToStore(spoolDir: string, storeInChroot: string): Promise<void> {
  const link = path.join(spoolDir, 'recording');
  const target = path.posix.join(storeInChroot, MESSAGES_SUBDIR);
  const stat = await fs.lstat(link).catch((error: unknown) => {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  });
  if (stat?.isSymbolicLink() && (await fs.readlink(link)) === target) return;
  if (stat?.isSymbolicLink()) await fs.rm(link);
  else if (stat) await fs.rename(link, `${link}.before-store-${Date.now()}`);
  await fs.symlink(target, link);
}
