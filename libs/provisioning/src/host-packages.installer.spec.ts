import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandRunner, CommandSpec } from './command.runner';
import { ensureHostPackages, type HostRequirement } from './host-packages.installer';
import { HostPackagesMissingError } from './provisioning.errors';

const REQUIREMENTS: HostRequirement[] = [
  { binary: 'debootstrap', aptPackage: 'debootstrap' },
  { binary: 'sipp', aptPackage: 'sip-tester' },
];

describe('ensureHostPackages', () => {
  let bin: string;
  beforeEach(async () => {
    bin = await fs.mkdtemp(path.join(os.tmpdir(), 'host-bin-'));
  });
  afterEach(() => fs.rm(bin, { recursive: true, force: true }));

  const install = async (name: string) => fs.writeFile(path.join(bin, name), '#!/bin/sh\n', { mode: 0o755 });

  /** Fake apt-get: "installs" by creating the binaries. */
  function fakeApt(calls: CommandSpec[]): CommandRunner {
    return async (spec) => {
      calls.push(spec);
      if (spec.args[0] === 'install') {
        for (const requirement of REQUIREMENTS) if (spec.args.includes(requirement.aptPackage)) await install(requirement.binary);
      }
      return { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false };
    };
  }

  it('does nothing when every binary is on PATH', async () => {
    await install('debootstrap');
    await install('sipp');
    const calls: CommandSpec[] = [];
    await ensureHostPackages({ requirements: REQUIREMENTS, env: { PATH: bin }, runCommand: fakeApt(calls), isRoot: false });
    expect(calls).toEqual([]);
  });

  it('tells a non-root user exactly what to install', async () => {
    await install('debootstrap');
    const run = ensureHostPackages({ requirements: REQUIREMENTS, env: { PATH: bin }, runCommand: fakeApt([]), isRoot: false });
    await expect(run).rejects.toThrow(HostPackagesMissingError);
    await expect(
      ensureHostPackages({ requirements: REQUIREMENTS, env: { PATH: bin }, runCommand: fakeApt([]), isRoot: false }),
    ).rejects.toThrow('sudo apt-get update && apt-get install -y --no-install-recommends sip-tester');
  });

  it('as root runs apt-get update once, then installs the missing packages non-interactively', async () => {
    await install('apt-get');
    const calls: CommandSpec[] = [];
    await ensureHostPackages({ requirements: REQUIREMENTS, env: { PATH: bin, http_proxy: 'http://proxy:3128' }, runCommand: fakeApt(calls), isRoot: true });
    expect(calls.map((c) => [path.basename(c.command), ...c.args])).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', '--no-install-recommends', 'debootstrap', 'sip-tester'],
    ]);
    for (const call of calls) {
      expect(call.env).toMatchObject({ DEBIAN_FRONTEND: 'noninteractive', http_proxy: 'http://proxy:3128' });
    }
  });

  it('as root without apt-get explains that instead', async () => {
    await expect(
      ensureHostPackages({ requirements: REQUIREMENTS, env: { PATH: bin }, runCommand: fakeApt([]), isRoot: true }),
    ).rejects.toThrow(/apt-get is not available/);
  });

  it('fails when apt-get succeeded but the binary is still missing', async () => {
    await install('apt-get');
    const noop: CommandRunner = async () => ({ exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false });
    await expect(ensureHostPackages({ requirements: REQUIREMENTS, env: { PATH: bin }, runCommand: noop, isRoot: true })).rejects.toThrow(
      /still not on PATH/,
    );
  });
});
