import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { runChecked, spawnCommand, type CommandRunner } from './command.runner';
import { HostPackagesMissingError, type MissingHostPackage } from './provisioning.errors';
import { DEFAULT_HOST_ENV, type HostEnv, type ProvisioningLog } from './provisioning.types';

/** A binary the product needs on the host, and the Debian package that ships it. */
export interface HostRequirement {
  readonly binary: string;
  readonly aptPackage: string;
}

/** What `npm start` and the telephony tests need: the chroot builder, SIPp, and the prompt tools. */
export const DEFAULT_HOST_REQUIREMENTS: readonly HostRequirement[] = Object.freeze([
  { binary: 'debootstrap', aptPackage: 'debootstrap' },
  { binary: 'sipp', aptPackage: 'sip-tester' },
  { binary: 'espeak-ng', aptPackage: 'espeak-ng' },
  { binary: 'sox', aptPackage: 'sox' },
]);

export interface EnsureHostPackagesOptions {
  readonly requirements?: readonly HostRequirement[];
  readonly log?: ProvisioningLog;
  /** Environment for apt-get and for PATH lookup; defaults to {@link DEFAULT_HOST_ENV}. */
  readonly env?: HostEnv;
  readonly runCommand?: CommandRunner;
  /** Injected for tests; defaults to `process.getuid() === 0`. */
  readonly isRoot?: boolean;
}

/**
 * Makes sure every required binary is on PATH, installing the missing ones
 * with apt-get when we are root. Not being root is an error that names the
 * exact command to run, because silently skipping would only move the
 * failure to a confusing place (a missing sipp inside a test).
 */
export async function ensureHostPackages(options: EnsureHostPackagesOptions = {}): Promise<void> {
  const requirements = options.requirements ?? DEFAULT_HOST_REQUIREMENTS;
  const env = options.env ?? DEFAULT_HOST_ENV;
  const run = options.runCommand ?? spawnCommand;
  const log = options.log ?? (() => undefined);

  const missing = await findMissing(requirements, env.PATH ?? DEFAULT_HOST_ENV.PATH);
  if (missing.length === 0) return;

  const packages = [...new Set(missing.map((m) => m.aptPackage))];
  const installCommand = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  if (!isRoot) {
    throw new HostPackagesMissingError(missing, `sudo ${installCommand}`, 'Not running as root, so they cannot be installed automatically.');
  }
  const aptGet = await which('apt-get', env.PATH ?? DEFAULT_HOST_ENV.PATH);
  if (!aptGet) {
    throw new HostPackagesMissingError(missing, installCommand, 'apt-get is not available on this machine.');
  }

  // Noninteractive: a debconf question would otherwise hang the launcher forever.
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`[host] installing ${packages.join(', ')} (missing: ${missing.map((m) => m.binary).join(', ')})`);
  const progress = (line: string) => {
    if (/^(Get:|Setting up|Unpacking|E:)/.test(line)) log(`[host] ${line}`);
  };
  await runChecked(run, { command: aptGet, args: ['update'], env: aptEnv, onLine: progress });
  await runChecked(run, {
    command: aptGet,
    args: ['install', '-y', '--no-install-recommends', ...packages],
    env: aptEnv,
    onLine: progress,
  });

  const stillMissing = await findMissing(requirements, env.PATH ?? DEFAULT_HOST_ENV.PATH);
  if (stillMissing.length > 0) {
    throw new HostPackagesMissingError(stillMissing, installCommand, 'apt-get finished but the binaries are still not on PATH.');
  }
  log(`[host] installed ${packages.join(', ')}`);
}

async function findMissing(requirements: readonly HostRequirement[], searchPath: string): Promise<MissingHostPackage[]> {
  const missing: MissingHostPackage[] = [];
  for (const requirement of requirements) {
    if (!(await which(requirement.binary, searchPath))) missing.push(requirement);
  }
  return missing;
}

/** The absolute path of an executable found on `searchPath`, or null. */
export async function which(binary: string, searchPath: string): Promise<string | null> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    try {
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // Not in this PATH entry (or not executable): keep looking.
    }
  }
  return null;
}
