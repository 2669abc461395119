import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, closeSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ensureAsteriskChroot, prepareChrootForRun, CHROOT_ASTERISK_BINARY } from './asterisk-chroot.builder';
import { findDefaultTemplatesDir, renderAsteriskConfig } from './asterisk-config.renderer';
import { validateStartOptions, type StartAsteriskInstanceOptions } from './asterisk-instance.options';
import { runChecked, spawnCommand, tailLines, type CommandRunner } from './command.runner';
import { isErrno, isProcessAlive, sleep, withFileLock } from './file.lock';
import { ensureHostPackages } from './host-packages.installer';
import { assertPortsFree } from './port-availability.checker';
import { ensureHoldMusic } from './hold-music.generator';
import { ensurePrompts, PROMPTS_DIR_IN_CHROOT } from './prompt.generator';
import { AsteriskStartError, AsteriskStopError, ProvisioningError } from './provisioning.errors';
import { linkSpoolRecordingsToStore, mountRecordingsStore, unmountRecordingsStore } from './recordings-store.mount';
import { CHROOT_ENV, type ProvisioningLog } from './provisioning.types';

/** A running Asterisk instance and the credentials to drive it. */
export interface AsteriskInstance {
  readonly name: string;
  /** Host path of the chroot the instance runs in. */
  readonly chrootDir: string;
  /** Host path of the instance folder (etc, run, log, spool, db). */
  readonly instanceDir: string;
  /**
   * Host folder of the recordings store (MixMonitor call recordings by day, callers' messages under
   * messages/). Outside the chroot when the recordingsDir option was given (bind-mounted into the instance).
   */
  readonly recordingsDir: string;
  /** Host folder whose files Asterisk includes (generated agent seats: generated/pjsip-seats.conf). */
  readonly generatedConfigDir: string;
  /** Host folder of the hotline's sounds (played as sound:hotline/<name>); call-control adds TTS prompts under tts/. */
  readonly soundsDir: string;
  /** Host paths of the instance's logs: Asterisk's stdout/stderr and its messages.log. */
  readonly logFiles: { readonly console: string; readonly messages: string };
  /** Pid of the Asterisk process (chroot execs it, so this is Asterisk itself). */
  readonly pid: number;
  readonly sipPort: number;
  /** e.g. http://127.0.0.1:8088 (no trailing slash; ARI is under /ari). */
  readonly ariUrl: string;
  readonly ariUsername: string;
  readonly ariPassword: string;
  readonly amiHost: string;
  readonly amiPort: number;
  readonly amiUsername: string;
  readonly amiPassword: string;
  /** Runs a CLI command (`asterisk -rx`) and returns its output. */
  rx(command: string): Promise<string>;
  /** Stops Asterisk (core stop now, SIGKILL after ~10 s). Safe to call twice. */
  stop(): Promise<void>;
}

/** Where instances live inside the chroot; one folder per instance name. */
export const INSTANCES_DIR_IN_CHROOT = '/var/lib/hotline/instances';

const ARI_USERNAME = 'hotline';
const AMI_USERNAME = 'hotline';
const STOP_GRACE_MS = 10_000;
const KILL_GRACE_MS = 5_000;
const RX_TIMEOUT_MS = 30_000;

/**
 * Provisions everything an Asterisk instance needs (host tools, chroot,
 * prompts, config with fresh secrets) and starts it, resolving once Asterisk
 * reports "fully booted". The returned object is the only handle to it:
 * stop() it, or the next start with the same name will.
 */
export async function startAsteriskInstance(options: StartAsteriskInstanceOptions): Promise<AsteriskInstance> {
  validateStartOptions(options);
  const log: ProvisioningLog = options.log ?? (() => undefined);
  const run = options.runCommand ?? spawnCommand;
  const started = Date.now();
  const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  await ensureHostPackages({ requirements: options.hostRequirements, log, env: options.env, runCommand: run });
  const chrootDir = await ensureAsteriskChroot({
    cacheDir: options.cacheDir,
    spec: options.chrootSpec,
    mirror: options.debianMirror,
    log,
    env: options.env,
    runCommand: run,
  });
  await prepareChrootForRun(chrootDir, { log, env: options.env, runCommand: run });
  const promptsStarted = Date.now();
  const prompts = await ensurePrompts({ chrootDir, prompts: options.prompts, log, env: options.env, runCommand: run });
  if (prompts.generated.length > 0) {
    log(`[prompts] generated ${prompts.generated.length} prompt(s) in ${((Date.now() - promptsStarted) / 1000).toFixed(1)} s`);
  }
  await ensureHoldMusic({ chrootDir, log, env: options.env, runCommand: run });
  const templatesDir = options.templatesDir ?? (await findDefaultTemplatesDir());

  const layout = instanceLayout(chrootDir, options.name);
  // Two starts of the same instance name must not interleave (stale-stop, render, spawn).
  const lockPath = path.join(options.cacheDir, 'locks', `instance-${path.basename(chrootDir)}-${options.name}.lock`);
  const instance = await withFileLock(lockPath, { purpose: `start of instance ${options.name}`, log }, async () => {
    const rx = (command: string) => runRx(run, chrootDir, layout.confInChroot, command);
    await stopLeftoverInstance(layout, rx, log);
    await assertPortsFree([
      { port: options.sipPort, protocol: 'udp', purpose: 'SIP' },
      { port: options.ariHttpPort, protocol: 'tcp', purpose: 'ARI HTTP' },
      { port: options.amiPort, protocol: 'tcp', purpose: 'AMI' },
    ]);

    const owner = await chrootUser(chrootDir, 'asterisk');
    await createInstanceDirs(layout, owner);
    const recordingsDir = options.recordingsDir ?? layout.host.recordings;
    if (options.recordingsDir) {
      await mountRecordingsStore({ hostDir: options.recordingsDir, mountPoint: layout.host.recordings, owner, runCommand: run, env: options.env, log });
    } else {
      // A store bound by an earlier run with recordingsDir must not keep receiving this run's recordings.
      await unmountRecordingsStore(layout.host.recordings, { runCommand: run, env: options.env });
      await fs.mkdir(path.join(layout.host.recordings, 'messages'), { recursive: true, mode: 0o750 });
      for (const dir of [layout.host.recordings, path.join(layout.host.recordings, 'messages')]) await fs.chown(dir, owner.uid, owner.gid);
    }
    await linkSpoolRecordingsToStore(layout.host.spool, path.posix.join(layout.inChroot, 'recordings'));
    const ariPassword = randomBytes(16).toString('hex');
    const amiPassword = randomBytes(16).toString('hex');
    await renderAsteriskConfig({
      templatesDir,
      outputDir: layout.host.etc,
      owner,
      variables: {
        INSTANCE_NAME: options.name,
        INSTANCE_DIR: layout.inChroot,
        SIP_PORT: options.sipPort,
        SIP_BIND_ADDRESS: options.sipBindAddress ?? '127.0.0.1',
        SIP_MEDIA_ADDRESS: options.mediaAddress ?? '127.0.0.1',
        ASTERISK_MODULE_DIR: await findModuleDir(chrootDir),
        ARI_HTTP_PORT: options.ariHttpPort,
        AMI_PORT: options.amiPort,
        RTP_START: options.rtpStart,
        RTP_END: options.rtpEnd,
        HOTLINE_NUMBER: options.hotlineNumber,
        ARI_APP: options.ariApp,
        CARRIER_MATCH: options.carrierAddresses.join(','),
        ARI_USERNAME,
        ARI_PASSWORD: ariPassword,
        AMI_USERNAME,
        AMI_SECRET: amiPassword,
      },
    });
    await rotateLogs(layout);

    const unmountStore = async () => {
      if (options.recordingsDir) await unmountRecordingsStore(layout.host.recordings, { runCommand: run, env: options.env });
    };
    log(`[asterisk] starting instance ${options.name} (SIP ${options.sipPort}/udp, ARI ${options.ariHttpPort}, AMI ${options.amiPort})`);
    const child = spawnAsterisk(chrootDir, layout);
    const exit = watchExit(child);
    try {
      await waitFullyBooted(rx, exit, layout, options.bootTimeoutMs ?? 60_000);
    } catch (error) {
      await killFailedStart(child, exit, log);
      await unmountStore();
      throw error;
    }
    log(`[asterisk] instance ${options.name} fully booted (pid ${child.pid}) after ${since()}`);

    let stopping: Promise<void> | undefined;
    const handle: AsteriskInstance = {
      name: options.name,
      chrootDir,
      instanceDir: layout.host.root,
      recordingsDir,
      generatedConfigDir: layout.host.generated,
      soundsDir: path.join(chrootDir, PROMPTS_DIR_IN_CHROOT),
      logFiles: { console: layout.host.consoleLog, messages: layout.host.messagesLog },
      pid: child.pid as number,
      sipPort: options.sipPort,
      ariUrl: `http://127.0.0.1:${options.ariHttpPort}`,
      ariUsername: ARI_USERNAME,
      ariPassword,
      amiHost: '127.0.0.1',
      amiPort: options.amiPort,
      amiUsername: AMI_USERNAME,
      amiPassword,
      rx,
      // The store is unbound only once Asterisk is gone: it finishes writing recordings while it stops.
      stop: () => (stopping ??= stopOwnProcess(child, exit, rx, log, options.name).then(unmountStore)),
    };
    return handle;
  });
  return instance;
}

interface InstanceLayout {
  /** Instance folder as Asterisk sees it (inside the chroot). */
  readonly inChroot: string;
  readonly confInChroot: string;
  readonly host: {
    readonly root: string;
    readonly etc: string;
    readonly run: string;
    readonly log: string;
    readonly spool: string;
    readonly recordings: string;
    readonly generated: string;
    readonly pidFile: string;
    readonly consoleLog: string;
    readonly messagesLog: string;
    readonly dirs: readonly string[];
  };
}

function instanceLayout(chrootDir: string, name: string): InstanceLayout {
  const inChroot = path.posix.join(INSTANCES_DIR_IN_CHROOT, name);
  const root = path.join(chrootDir, inChroot);
  const sub = (dir: string) => path.join(root, dir);
  return {
    inChroot,
    confInChroot: path.posix.join(inChroot, 'etc', 'asterisk.conf'),
    host: {
      root,
      etc: sub('etc'),
      run: sub('run'),
      log: sub('log'),
      spool: sub('spool'),
      recordings: sub('recordings'),
      generated: path.join(sub('etc'), 'generated'),
      pidFile: path.join(sub('run'), 'asterisk.pid'),
      consoleLog: path.join(sub('log'), 'console.log'),
      messagesLog: path.join(sub('log'), 'messages.log'),
      dirs: ['etc', 'etc/generated', 'run', 'log', 'spool', 'db', 'cache'].map(sub),
    },
  };
}

async function createInstanceDirs(layout: InstanceLayout, owner: { uid: number; gid: number }): Promise<void> {
  // The path down to the instance folder stays root's but must be traversable by the asterisk user.
  await fs.mkdir(layout.host.root, { recursive: true, mode: 0o755 });
  for (const dir of layout.host.dirs) {
    await fs.mkdir(dir, { recursive: true, mode: 0o750 });
    // Asterisk drops to its own user after start and writes pid, socket, logs, astdb here.
    await fs.chown(dir, owner.uid, owner.gid);
  }
}

/** Keeps one previous generation of each log so a failed run can still be read after the next start. */
async function rotateLogs(layout: InstanceLayout): Promise<void> {
  for (const file of [layout.host.consoleLog, layout.host.messagesLog]) {
    await fs.rename(file, `${file}.1`).catch((error: unknown) => {
      if (!isErrno(error, 'ENOENT')) throw error;
    });
  }
}

/** uid/gid of a user in the chroot's /etc/passwd (differs from the host's numbering). */
async function chrootUser(chrootDir: string, user: string): Promise<{ uid: number; gid: number }> {
  const passwd = await fs.readFile(path.join(chrootDir, 'etc', 'passwd'), 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith(`${user}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new ProvisioningError(`User "${user}" is missing from ${chrootDir}/etc/passwd; the asterisk package creates it - rebuild the chroot.`);
  }
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Starts Asterisk in the foreground of its own process group (-f, never -c
 * which wants a terminal; -g keeps core dumps for crash analysis). Detached
 * so a Ctrl-C meant for the launcher does not hit Asterisk mid-call; the
 * launcher stops it through stop(). Unref'd so it never keeps Node alive.
 */
function spawnAsterisk(chrootDir: string, layout: InstanceLayout): ChildProcess {
  const out = openSync(layout.host.consoleLog, 'a', 0o640);
  try {
    const child = spawn('chroot', [chrootDir, CHROOT_ASTERISK_BINARY, '-C', layout.confInChroot, '-f', '-g'], {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...CHROOT_ENV },
      cwd: '/',
    });
    child.unref();
    return child;
  } finally {
    closeSync(out); // the child has its own copy
  }
}

interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all (e.g. no `chroot` on PATH). */
  readonly spawnError?: Error;
}

interface ExitWatch {
  readonly exited: Promise<ExitInfo>;
  readonly hasExited: () => boolean;
}

function watchExit(child: ChildProcess): ExitWatch {
  let done = false;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    // spawn failure (chroot missing) also ends the process' life.
    child.once('error', (spawnError) => {
      done = true;
      resolve({ code: null, signal: null, spawnError });
    });
  });
  return { exited, hasExited: () => done };
}

/**
 * Polls `core waitfullybooted` until it succeeds. The first attempts fail
 * with "Unable to connect" until Asterisk has created its control socket;
 * once connected the command itself blocks until boot is complete.
 */
async function waitFullyBooted(
  rx: (command: string) => Promise<string>,
  exit: ExitWatch,
  layout: InstanceLayout,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exit.hasExited()) {
      const { code, signal, spawnError } = await exit.exited;
      throw new AsteriskStartError(
        spawnError
          ? `Could not start Asterisk: ${spawnError.message}`
          : `Asterisk exited during start-up (code ${code ?? '-'}, signal ${signal ?? '-'})`,
        layout.host.consoleLog,
        await logTail(layout.host.consoleLog),
        { cause: spawnError },
      );
    }
    try {
      await rx('core waitfullybooted');
      return;
    } catch (error) {
      lastError = error;
      await sleep(250);
    }
  }
  throw new AsteriskStartError(
    `Asterisk did not report "fully booted" within ${Math.round(timeoutMs / 1000)} s`,
    layout.host.consoleLog,
    await logTail(layout.host.consoleLog),
    { cause: lastError },
  );
}

async function runRx(run: CommandRunner, chrootDir: string, confInChroot: string, command: string): Promise<string> {
  const result = await runChecked(run, {
    command: 'chroot',
    args: [chrootDir, CHROOT_ASTERISK_BINARY, '-C', confInChroot, '-rx', command],
    env: CHROOT_ENV,
    timeoutMs: RX_TIMEOUT_MS,
  });
  return result.stdout;
}

async function stopOwnProcess(
  child: ChildProcess,
  exit: ExitWatch,
  rx: (command: string) => Promise<string>,
  log: ProvisioningLog,
  name: string,
): Promise<void> {
  if (exit.hasExited()) return;
  log(`[asterisk] stopping instance ${name}`);
  try {
    // SIGTERM does not stop Asterisk; the CLI does, closing channels and modules cleanly.
    await rx('core stop now');
  } catch (error) {
    // It may have died between the check and the command; only then is the failure harmless.
    if (!exit.hasExited()) log(`[asterisk] "core stop now" failed, will kill: ${firstLine(error)}`);
  }
  if (await settles(exit.exited, STOP_GRACE_MS)) return;
  log(`[asterisk] instance ${name} still running after ${STOP_GRACE_MS / 1000} s, sending SIGKILL`);
  child.kill('SIGKILL');
  if (await settles(exit.exited, KILL_GRACE_MS)) return;
  throw new AsteriskStopError(`Asterisk instance ${name} (pid ${child.pid}) survived SIGKILL`);
}

async function killFailedStart(child: ChildProcess, exit: ExitWatch, log: ProvisioningLog): Promise<void> {
  if (exit.hasExited()) return;
  log(`[asterisk] killing failed start (pid ${child.pid})`);
  child.kill('SIGKILL');
  await settles(exit.exited, KILL_GRACE_MS);
}

/**
 * An earlier run with the same name (crashed launcher, aborted jest) may
 * have left Asterisk running; it holds the ports and the control socket.
 * Identified by the pid file in the instance's run folder and confirmed by
 * its command line naming this instance's asterisk.conf.
 */
async function stopLeftoverInstance(layout: InstanceLayout, rx: (command: string) => Promise<string>, log: ProvisioningLog): Promise<void> {
  let pid: number;
  try {
    pid = Number((await fs.readFile(layout.host.pidFile, 'utf8')).trim());
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return;
    throw error;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !isProcessAlive(pid)) return;
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.split('\0').includes(layout.confInChroot)) return; // pid reused by an unrelated process

  log(`[asterisk] stopping leftover Asterisk of an earlier run (pid ${pid})`);
  try {
    await rx('core stop now');
  } catch (error) {
    log(`[asterisk] "core stop now" on leftover failed, will kill: ${firstLine(error)}`);
  }
  if (await pidGone(pid, STOP_GRACE_MS)) return;
  process.kill(pid, 'SIGKILL');
  if (await pidGone(pid, KILL_GRACE_MS)) return;
  throw new AsteriskStopError(`Leftover Asterisk (pid ${pid}) of ${layout.confInChroot} survived SIGKILL`);
}

/**
 * True once the process is gone, or is a zombie with no thread left (not our
 * child, so not ours to reap). The leader alone showing "Z" is not enough:
 * Asterisk's main thread can finish while other threads still shut down and
 * hold the ports.
 */
async function pidGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    if (status === '' || (/^State:\s+Z/m.test(status) && /^Threads:\s+1$/m.test(status))) return true;
    await sleep(100);
  }
  return false;
}

async function settles(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function logTail(file: string): Promise<string> {
  try {
    // Asterisk colours its console output even into a file; escape codes only clutter an error message.
    return tailLines((await fs.readFile(file, 'utf8')).replace(/\x1b\[[0-9;]*m/g, ''), 40);
  } catch (error) {
    return `(could not read ${file}: ${firstLine(error)})`;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/**
 * Asterisk's modules sit under Debian's multiarch folder (/usr/lib/<triplet>/asterisk/modules), whose name
 * depends on the CPU: found in the chroot rather than assumed to be x86_64.
 */
async function findModuleDir(chrootDir: string): Promise<string> {
  const libDir = path.join(chrootDir, 'usr/lib');
  for (const entry of await fs.readdir(libDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const inChroot = path.posix.join('/usr/lib', entry.name, 'asterisk/modules');
    if (await isDirectory(path.join(chrootDir, inChroot))) return inChroot;
  }
  throw new ProvisioningError(`no asterisk/modules folder under ${libDir}: is asterisk-modules installed in the chroot?`);
}

async function isDirectory(hostPath: string): Promise<boolean> {
  try {
    return (await fs.stat(hostPath)).isDirectory();
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}
