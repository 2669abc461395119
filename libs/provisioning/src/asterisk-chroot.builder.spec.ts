import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chrootCacheKey, chrootDirFor, DEFAULT_CHROOT_SPEC, ensureAsteriskChroot } from './asterisk-chroot.builder';
import type { CommandRunner, CommandSpec } from './command.runner';
import { ChrootBuildError, InvalidOptionsError } from './provisioning.errors';

describe('chrootCacheKey', () => {
  it('is short, stable and independent of package order and duplicates', () => {
    const key = chrootCacheKey(DEFAULT_CHROOT_SPEC);
    expect(key).toMatch(/^[0-9a-f]{12}$/);
    expect(chrootCacheKey({ ...DEFAULT_CHROOT_SPEC, packages: [...DEFAULT_CHROOT_SPEC.packages].reverse() })).toBe(key);
    expect(chrootCacheKey({ ...DEFAULT_CHROOT_SPEC, packages: [...DEFAULT_CHROOT_SPEC.packages, 'asterisk'] })).toBe(key);
  });

  it('changes when the package list, suite or variant changes', () => {
    const key = chrootCacheKey(DEFAULT_CHROOT_SPEC);
    expect(chrootCacheKey({ ...DEFAULT_CHROOT_SPEC, packages: [...DEFAULT_CHROOT_SPEC.packages, 'sox'] })).not.toBe(key);
    expect(chrootCacheKey({ ...DEFAULT_CHROOT_SPEC, suite: 'forky' })).not.toBe(key);
    expect(chrootCacheKey({ ...DEFAULT_CHROOT_SPEC, variant: 'buildd' })).not.toBe(key);
  });

  it('names the chroot folder after suite and key', () => {
    expect(chrootDirFor('/cache')).toBe(`/cache/asterisk-chroot-sid-${chrootCacheKey(DEFAULT_CHROOT_SPEC)}`);
  });
});

describe('ensureAsteriskChroot (debootstrap replaced by a fake)', () => {
  let cacheDir: string;
  beforeEach(async () => {
    cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'chroot-cache-'));
  });
  afterEach(() => fs.rm(cacheDir, { recursive: true, force: true }));

  /** Pretends to be debootstrap: creates the target with an asterisk binary, after a short delay. */
  function fakeDebootstrap(calls: CommandSpec[], options: { withAsterisk?: boolean; exitCode?: number } = {}): CommandRunner {
    return async (spec) => {
      calls.push(spec);
      const target = spec.args[spec.args.length - 1] as string;
      await fs.mkdir(path.join(target, 'usr/sbin'), { recursive: true });
      await fs.mkdir(path.join(target, 'etc'), { recursive: true });
      await fs.writeFile(path.join(target, 'etc/resolv.conf'), 'nameserver 10.255.255.53\n');
      if (options.withAsterisk !== false) await fs.writeFile(path.join(target, 'usr/sbin/asterisk'), '');
      spec.onLine?.('I: Retrieving asterisk 1:22.10.1', 'stdout');
      await new Promise((r) => setTimeout(r, 50));
      const exitCode = options.exitCode ?? 0;
      return { exitCode, signal: null, stdout: exitCode ? 'E: Couldn\'t download packages' : 'I: Base system installed successfully.', stderr: '', timedOut: false };
    };
  }

  it('builds once into a temp folder, renames it into place, and writes hosts and resolv.conf', async () => {
    const calls: CommandSpec[] = [];
    const log: string[] = [];
    const dir = await ensureAsteriskChroot({ cacheDir, runCommand: fakeDebootstrap(calls), log: (l) => log.push(l) });

    expect(dir).toBe(chrootDirFor(cacheDir));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.command).toBe('debootstrap');
    expect(calls[0]?.args).toEqual([
      '--variant=minbase',
      '--include=asterisk,asterisk-modules,asterisk-core-sounds-en',
      'sid',
      expect.stringMatching(/\.asterisk-chroot-sid-[0-9a-f]{12}\.tmp-\d+$/),
    ]);
    expect(await fs.readFile(path.join(dir, 'etc/hosts'), 'utf8')).toMatch(new RegExp(`^127\\.0\\.0\\.1 localhost ${os.hostname()}$`, 'm'));
    expect(await fs.readFile(path.join(dir, 'etc/resolv.conf'), 'utf8')).not.toMatch(/nameserver/);
    expect((await fs.readdir(cacheDir)).filter((e) => e.includes('.tmp-'))).toEqual([]);
    expect(log.some((l) => l.includes('built'))).toBe(true);

    await ensureAsteriskChroot({ cacheDir, runCommand: fakeDebootstrap(calls) });
    expect(calls).toHaveLength(1); // cached
  });

  it('lets a concurrent second caller wait for the first build instead of building again', async () => {
    const calls: CommandSpec[] = [];
    const runner = fakeDebootstrap(calls);
    const [a, b] = await Promise.all([
      ensureAsteriskChroot({ cacheDir, runCommand: runner }),
      ensureAsteriskChroot({ cacheDir, runCommand: runner }),
    ]);
    expect(a).toBe(b);
    expect(calls).toHaveLength(1);
  });

  it('fails with the tail of the output when debootstrap fails, leaving nothing behind', async () => {
    const build = ensureAsteriskChroot({ cacheDir, runCommand: fakeDebootstrap([], { exitCode: 1 }) });
    await expect(build).rejects.toThrow(ChrootBuildError);
    await expect(ensureAsteriskChroot({ cacheDir, runCommand: fakeDebootstrap([], { exitCode: 1 }) })).rejects.toThrow(
      /E: Couldn't download packages/,
    );
    expect((await fs.readdir(cacheDir)).filter((e) => e.startsWith('asterisk-chroot') || e.includes('.tmp-'))).toEqual([]);
  });

  it('refuses a result without /usr/sbin/asterisk', async () => {
    await expect(ensureAsteriskChroot({ cacheDir, runCommand: fakeDebootstrap([], { withAsterisk: false }) })).rejects.toThrow(
      /\/usr\/sbin\/asterisk is missing/,
    );
  });

  it('validates the spec before running anything', async () => {
    const calls: CommandSpec[] = [];
    await expect(
      ensureAsteriskChroot({ cacheDir: 'relative', spec: { ...DEFAULT_CHROOT_SPEC, packages: ['ok', 'bad;rm'] }, runCommand: fakeDebootstrap(calls) }),
    ).rejects.toThrow(InvalidOptionsError);
    expect(calls).toEqual([]);
  });
});
