import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runChecked, spawnCommand, type CommandRunner } from './command.runner';
import { isErrno, withFileLock } from './file.lock';
import { PromptGenerationError } from './provisioning.errors';
import { DEFAULT_HOST_ENV, type HostEnv, type ProvisioningLog } from './provisioning.types';

/** musiconhold.conf's class "default" plays the files in this folder (inside the chroot). */
export const HOLD_MUSIC_DIR_IN_CHROOT = '/usr/share/asterisk/moh-hotline';

/** Bump when the melody or the synthesis changes, to regenerate it. */
const HOLD_MUSIC_VERSION = 1;
const MARKER_FILE = '.hold-music-version';

/**
 * A gentle C-major arpeggio, 8 kHz mono 16-bit: callers waiting in a queue hear that they are still
 * connected. Synthesised with sox so the chroot needs no asterisk-moh-* package (and no 50 s rebuild);
 * deployments drop their own licensed music into the same folder.
 */
const NOTES = ['C4', 'E4', 'G4', 'C5', 'G4', 'E4', 'D4', 'F4', 'A4', 'D5', 'A4', 'F4', 'E4', 'G4', 'B4', 'E5', 'B4', 'G4', 'C4', 'G4', 'C5'];

export interface EnsureHoldMusicOptions {
  readonly chrootDir: string;
  readonly log?: ProvisioningLog;
  readonly env?: HostEnv;
  readonly runCommand?: CommandRunner;
}

/** Generates the hold music into the chroot once (and again when HOLD_MUSIC_VERSION changes). */
export async function ensureHoldMusic(options: EnsureHoldMusicOptions): Promise<string> {
  const dir = path.join(options.chrootDir, HOLD_MUSIC_DIR_IN_CHROOT);
  if (await isCurrent(dir)) return dir;
  const lockPath = path.join(path.dirname(options.chrootDir), 'locks', `${path.basename(options.chrootDir)}-hold-music.lock`);
  return withFileLock(lockPath, { purpose: 'hold music generation', log: options.log }, async () => {
    if (await isCurrent(dir)) return dir;
    await fs.mkdir(dir, { recursive: true, mode: 0o755 });
    const target = path.join(dir, 'hotline-hold.wav');
    const tmp = `${target}.tmp-${process.pid}.wav`;
    const args = ['-n', '-r', '8000', '-c', '1', '-b', '16', tmp];
    NOTES.forEach((note, index) => {
      if (index > 0) args.push(':');
      args.push('synth', '0.45', 'pluck', note, 'vol', '0.6');
    });
    options.log?.(`[moh] generating hold music into ${HOLD_MUSIC_DIR_IN_CHROOT}`);
    try {
      await runChecked(options.runCommand ?? spawnCommand, { command: 'sox', args, env: options.env ?? DEFAULT_HOST_ENV, timeoutMs: 60_000 });
    } catch (error) {
      throw new PromptGenerationError('Could not generate the hold music with sox', { cause: error });
    }
    await fs.chmod(tmp, 0o644);
    await fs.rename(tmp, target);
    await fs.writeFile(path.join(dir, MARKER_FILE), `${HOLD_MUSIC_VERSION}\n`);
    return dir;
  });
}

async function isCurrent(dir: string): Promise<boolean> {
  try {
    return (await fs.readFile(path.join(dir, MARKER_FILE), 'utf8')).trim() === String(HOLD_MUSIC_VERSION);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}
