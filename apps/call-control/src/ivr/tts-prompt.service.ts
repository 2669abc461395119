import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { DomainError, DomainErrorKind } from '@hotline/common';

/** Bump when the synthesis command changes, so cached files are made again. */
const TTS_VERSION = 1;
const VOICE = 'cmn';

export class TtsUnavailableError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(reason: string) {
    super('TTS_UNAVAILABLE', `Text-to-speech prompts cannot be made: ${reason}`);
  }
}

/** Runs a host command to completion; injectable so unit specs need no espeak-ng. */
export type TtsCommandRunner = (command: string, args: string[]) => Promise<void>;
export const TTS_COMMAND_RUNNER = Symbol('TTS_COMMAND_RUNNER');

export const spawnTtsCommand: TtsCommandRunner = (command, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`))));
  });

/**
 * Mandarin text → a telephone-ready prompt (espeak-ng -v cmn, then sox to 8 kHz mono 16-bit), written
 * into Asterisk's hotline sounds under tts/ and named by the hash of text and voice: each text is made
 * once (per machine), then played from the cache. Concurrent requests for one text share one synthesis.
 */
@Injectable()
export class TtsPromptService {
  private readonly logger = new Logger(TtsPromptService.name);
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, @Inject(TTS_COMMAND_RUNNER) private readonly run: TtsCommandRunner) {}

  static hashOf(text: string): string {
    return createHash('sha256').update(JSON.stringify([TTS_VERSION, VOICE, text])).digest('hex').slice(0, 20);
  }

  /** The sound name to play (hotline/tts/<hash>), synthesising it first if needed. */
  async soundFor(text: string): Promise<string> {
    const dir = this.config.IVR_SOUNDS_DIR;
    if (!dir) throw new TtsUnavailableError('IVR_SOUNDS_DIR is not set');
    const hash = TtsPromptService.hashOf(text);
    const sound = `hotline/tts/${hash}`;
    const target = path.join(dir, 'tts', `${hash}.wav`);
    if (await exists(target)) return sound;
    let pending = this.inFlight.get(hash);
    if (!pending) {
      pending = this.synthesise(text, target).then(() => sound);
      this.inFlight.set(hash, pending);
      void pending.then(
        () => this.inFlight.delete(hash),
        () => this.inFlight.delete(hash),
      );
    }
    return pending;
  }

  private async synthesise(text: string, target: string): Promise<void> {
    const started = Date.now();
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
    const raw = `${target}.${process.pid}.raw.wav`;
    const telephone = `${target}.${process.pid}.tmp.wav`;
    try {
      // "--" so text starting with "-" is never read as an option.
      await this.run('espeak-ng', ['-v', VOICE, '-w', raw, '--', text]);
      await this.run('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', telephone]);
      await fs.chmod(telephone, 0o644);
      await fs.rename(telephone, target);
      this.logger.log(`TTS prompt ${path.basename(target)} made in ${Date.now() - started} ms: ${text}`);
    } finally {
      await fs.rm(raw, { force: true });
      await fs.rm(telephone, { force: true });
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
