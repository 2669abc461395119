import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnCommand, tailLines, type CommandRunner } from './command.runner';
import { ensureProcMounted, unmountAllUnder } from './chroot-mount.manager';
import { isErrno, withFileLock } from './file.lock';
import { ChrootBuildError, InvalidOptionsError } from './provisioning.errors';
import { DEFAULT_HOST_ENV, type HostEnv, type ProvisioningLog } from './provisioning.types';

/** What goes into the chroot. Changing any field changes the cache key, so the chroot is rebuilt. */
export interface ChrootSpec {
  readonly suite: string;
  readonly variant: string;
  readonly packages: readonly string[];
}

/** Asterisk 22 is only in sid (not bookworm); see docs/platform.md. */
export const DEFAULT_CHROOT_SPEC: ChrootSpec = Object.freeze({
  suite: 'sid',
  variant: 'minbase',
  packages: Object.freeze(['asterisk', 'asterisk-modules', 'asterisk-core-sounds-en']),
});

/**
 * Bump when the build steps after debootstrap change (files we add to the
 * tree), so existing caches are rebuilt rather than silently kept stale.
 */
const CHROOT_RECIPE_VERSION = 1;

/** Where the Asterisk binary must be in a usable chroot. */
export const CHROOT_ASTERISK_BINARY = '/usr/sbin/asterisk';

const PROGRESS_INTERVAL_MS = 5_000;
const HEARTBEAT_INTERVAL_MS = 15_000;

/** Short, stable hash of everything that determines the chroot's content. */
export function chrootCacheKey(spec: ChrootSpec): string {
  const canonical = JSON.stringify({
    recipe: CHROOT_RECIPE_VERSION,
    suite: spec.suite,
    variant: spec.variant,
    packages: [...new Set(spec.packages)].sort(),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

/** The chroot directory for a spec inside a cache folder. */
export function chrootDirFor(cacheDir: string, spec: ChrootSpec = DEFAULT_CHROOT_SPEC): string {
  return path.join(cacheDir, `asterisk-chroot-${spec.suite}-${chrootCacheKey(spec)}`);
}

export interface EnsureAsteriskChrootOptions {
  /** Absolute folder kept between runs (the launcher passes ~/.cache/hotline12345). */
  readonly cacheDir: string;
  readonly spec?: ChrootSpec;
  /** Debian mirror URL; debootstrap's default (deb.debian.org) when absent. */
  readonly mirror?: string;
  readonly log?: ProvisioningLog;
  readonly env?: HostEnv;
  readonly runCommand?: CommandRunner;
}

/**
 * Returns the directory of a ready chroot for the spec, building it first if
 * needed. The build happens in a temporary folder that is renamed into place
 * only when complete, so a crash never leaves a half-built chroot that looks
 * finished; a lock makes a second process wait instead of building twice.
 */
export async function ensureAsteriskChroot(options: EnsureAsteriskChrootOptions): Promise<string> {
  const spec = options.spec ?? DEFAULT_CHROOT_SPEC;
  validateSpec(spec, options.cacheDir);
  const dir = chrootDirFor(options.cacheDir, spec);
  if (await isComplete(dir)) return dir;

  const key = chrootCacheKey(spec);
  const lockPath = path.join(options.cacheDir, 'locks', `asterisk-chroot-${key}.lock`);
  await withFileLock(lockPath, { purpose: 'Asterisk chroot build', log: options.log }, async () => {
    // Whoever held the lock before us may have just built it.
    if (await isComplete(dir)) return;
    await build(dir, spec, options);
  });
  return dir;
}

/**
 * Per-start preparation of a chroot that may have been built on another
 * day or under another host name: the host name must resolve without DNS,
 * and Asterisk needs /proc.
 */
export async function prepareChrootForRun(
  chrootDir: string,
  options: { readonly hostname?: string; readonly log?: ProvisioningLog; readonly env?: HostEnv; readonly runCommand?: CommandRunner } = {},
): Promise<void> {
  // Two processes preparing at once could both see /proc unmounted and mount it twice.
  const lockPath = path.join(path.dirname(chrootDir), 'locks', `${path.basename(chrootDir)}-prepare.lock`);
  await withFileLock(lockPath, { purpose: 'chroot preparation', log: options.log }, async () => {
    await writeHostsFile(chrootDir, options.hostname ?? os.hostname());
    await writeResolvConf(chrootDir);
    await ensureProcMounted(chrootDir, options);
  });
}

async function build(dir: string, spec: ChrootSpec, options: EnsureAsteriskChrootOptions): Promise<void> {
  const log = options.log ?? (() => undefined);
  const env = options.env ?? DEFAULT_HOST_ENV;
  const run = options.runCommand ?? spawnCommand;
  await removeLeftoverBuilds(dir, options);

  const tmp = `${path.join(path.dirname(dir), `.${path.basename(dir)}`)}.tmp-${process.pid}`;
  const args = [
    `--variant=${spec.variant}`,
    `--include=${spec.packages.join(',')}`,
    spec.suite,
    tmp,
    ...(options.mirror ? [options.mirror] : []),
  ];
  log(`[chroot] building ${path.basename(dir)}: debootstrap ${args.join(' ')} (about a minute, ~500 MB)`);

  const started = Date.now();
  const progress = startProgressReporter(log, started);
  let result;
  try {
    result = await run({ command: 'debootstrap', args, env, onLine: progress.onLine });
  } finally {
    progress.stop();
  }
  const elapsed = Math.round((Date.now() - started) / 1000);

  if (result.exitCode !== 0) {
    const keptLog = `${dir}.failed.log`;
    await fs.copyFile(path.join(tmp, 'debootstrap', 'debootstrap.log'), keptLog).catch((error: unknown) => {
      log(`[chroot] could not keep debootstrap.log: ${String(error)}`);
    });
    await removeTree(tmp, options);
    throw new ChrootBuildError(
      `debootstrap failed after ${elapsed} s (exit ${result.exitCode ?? result.signal}); full log kept at ${keptLog} if it existed.\n` +
        `--- last output ---\n${tailLines(`${result.stdout}\n${result.stderr}`, 25)}`,
    );
  }
  if (!(await exists(path.join(tmp, CHROOT_ASTERISK_BINARY)))) {
    await removeTree(tmp, options);
    throw new ChrootBuildError(
      `debootstrap succeeded but ${CHROOT_ASTERISK_BINARY} is missing in the result; is "asterisk" in suite ${spec.suite}?`,
    );
  }

  await writeHostsFile(tmp, os.hostname());
  await writeResolvConf(tmp);
  // debootstrap unmounts what it mounted, but a rename must never carry a live mount along.
  await unmountAllUnder(tmp, options);
  await fs.rename(tmp, dir);
  log(`[chroot] built ${dir} in ${elapsed} s`);
}

/**
 * Reports debootstrap's progress at a readable pace: at most one line per
 * PROGRESS_INTERVAL_MS (its latest "I: ..." line) and a heartbeat when it has
 * been quiet for a while (unpacking large packages prints nothing).
 */
function startProgressReporter(log: ProvisioningLog, started: number) {
  let latest = '';
  let latestReported = '';
  let lastLogAt = 0;
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  const timer = setInterval(() => {
    const now = Date.now();
    if (latest && latest !== latestReported) {
      latestReported = latest;
      lastLogAt = now;
      log(`[chroot] ${elapsed()}: ${latest}`);
    } else if (now - lastLogAt >= HEARTBEAT_INTERVAL_MS) {
      lastLogAt = now;
      log(`[chroot] ${elapsed()}: still working${latest ? ` (last: ${latest})` : ''}`);
    }
  }, PROGRESS_INTERVAL_MS);
  return {
    onLine(line: string) {
      if (line.startsWith('I: ') || line.startsWith('W: ') || line.startsWith('E: ')) latest = line;
      // Warnings and errors are worth seeing at once, not five seconds later.
      if (line.startsWith('W: ') || line.startsWith('E: ')) log(`[chroot] ${elapsed()}: ${line}`);
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** Temp folders of builds that crashed (killed launcher, reboot) are ours to clean, under the lock. */
async function removeLeftoverBuilds(dir: string, options: EnsureAsteriskChrootOptions): Promise<void> {
  const prefix = `.${path.basename(dir)}.tmp-`;
  for (const entry of await fs.readdir(path.dirname(dir))) {
    if (!entry.startsWith(prefix)) continue;
    options.log?.(`[chroot] removing unfinished earlier build ${entry}`);
    await removeTree(path.join(path.dirname(dir), entry), options);
  }
}

async function removeTree(dir: string, options: EnsureAsteriskChrootOptions): Promise<void> {
  await unmountAllUnder(dir, options);
  await fs.rm(dir, { recursive: true, force: true });
}

async function writeHostsFile(chrootDir: string, hostname: string): Promise<void> {
  await writeIfChanged(
    path.join(chrootDir, 'etc', 'hosts'),
    '# Written by libs/provisioning. The host name must resolve without DNS: lookups time out\n' +
      '# on these machines and make calls fail under load (docs/platform.md).\n' +
      `127.0.0.1 localhost ${hostname}\n` +
      '::1 localhost ip6-localhost ip6-loopback\n',
  );
}

/**
 * debootstrap copies the host's resolv.conf, whose nameserver is exactly the
 * one that times out here. Asterisk in the chroot needs no DNS (carriers are
 * configured by IP, the host name is in /etc/hosts), so name no server:
 * glibc then asks 127.0.0.1:53, where nothing listens, and a stray lookup
 * fails at once instead of stalling a call for seconds.
 */
async function writeResolvConf(chrootDir: string): Promise<void> {
  await writeIfChanged(
    path.join(chrootDir, 'etc', 'resolv.conf'),
    '# Written by libs/provisioning: no DNS inside the Asterisk chroot, on purpose (see asterisk-chroot.builder.ts).\n',
  );
}

async function writeIfChanged(file: string, content: string): Promise<void> {
  const current = await fs.readFile(file, 'utf8').catch((error: unknown) => {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  });
  if (current === content) return;
  // Atomic replace: a running instance may read the file while we write.
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, content, { mode: 0o644 });
  await fs.rename(tmp, file);
}

async function isComplete(dir: string): Promise<boolean> {
  return exists(path.join(dir, CHROOT_ASTERISK_BINARY));
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return false;
    throw error;
  }
}

function validateSpec(spec: ChrootSpec, cacheDir: string): void {
  const issues: string[] = [];
  if (!path.isAbsolute(cacheDir)) issues.push(`cacheDir must be an absolute path, got "${cacheDir}"`);
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(spec.suite)) issues.push(`suite "${spec.suite}" is not a Debian suite name`);
  if (!/^[a-z]+$/.test(spec.variant)) issues.push(`variant "${spec.variant}" is not a debootstrap variant`);
  if (spec.packages.length === 0) issues.push('packages must not be empty');
  for (const pkg of spec.packages) {
    // Debian policy package names; anything else would be an injection into --include.
    if (!/^[a-z0-9][a-z0-9+.-]+$/.test(pkg)) issues.push(`"${pkg}" is not a Debian package name`);
  }
  if (issues.length > 0) throw new InvalidOptionsError('chroot spec', issues);
}
