import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runChecked, spawnCommand, type CommandRunner } from './command.runner';
import { DEFAULT_HOST_ENV, type HostEnv, type ProvisioningLog } from './provisioning.types';

export interface MountEntry {
  readonly source: string;
  readonly mountPoint: string;
  readonly type: string;
}

/** Parses /proc/mounts; mount points there escape space, tab, newline and backslash as octal. */
export function parseProcMounts(text: string): MountEntry[] {
  const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [source = '', mountPoint = '', type = ''] = line.split(' ');
      return { source: unescape(source), mountPoint: unescape(mountPoint), type };
    });
}

export async function readMounts(): Promise<MountEntry[]> {
  return parseProcMounts(await fs.readFile('/proc/mounts', 'utf8'));
}

export interface MountOptions {
  readonly runCommand?: CommandRunner;
  readonly env?: HostEnv;
  readonly log?: ProvisioningLog;
}

/**
 * Asterisk reads /proc (CPU count, memory, its own fds) and refuses parts of
 * its work without it. Mounting twice would stack mounts, so check first.
 */
export async function ensureProcMounted(chrootDir: string, options: MountOptions = {}): Promise<void> {
  const target = await fs.realpath(path.join(chrootDir, 'proc'));
  const mounted = (await readMounts()).some((m) => m.mountPoint === target && m.type === 'proc');
  if (mounted) return;
  options.log?.(`[chroot] mounting proc on ${target}`);
  await runChecked(options.runCommand ?? spawnCommand, {
    command: 'mount',
    args: ['-t', 'proc', 'proc', target],
    env: options.env ?? DEFAULT_HOST_ENV,
  });
}

/**
 * Unmounts everything mounted at or below `dir`, deepest first. Must run
 * before deleting a chroot tree: a recursive delete would otherwise descend
 * into a mounted /proc or a bound /dev of the host.
 */
export async function unmountAllUnder(dir: string, options: MountOptions = {}): Promise<void> {
  const root = await fs.realpath(dir).catch(() => path.resolve(dir));
  const below = (await readMounts())
    .map((m) => m.mountPoint)
    .filter((mp) => mp === root || mp.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const mountPoint of below) {
    options.log?.(`[chroot] unmounting ${mountPoint}`);
    // Lazy: a process still holding files there (a dying Asterisk) must not block cleanup.
    await runChecked(options.runCommand ?? spawnCommand, {
      command: 'umount',
      args: ['-l', mountPoint],
      env: options.env ?? DEFAULT_HOST_ENV,
    });
  }
}
