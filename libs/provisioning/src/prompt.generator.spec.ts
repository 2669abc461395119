import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandRunner, CommandSpec } from './command.runner';
import { HOTLINE_PROMPTS } from './hotline-prompts.catalog';
import { ensurePrompts, promptHash, PROMPTS_DIR_IN_CHROOT } from './prompt.generator';
import { InvalidOptionsError, PromptGenerationError } from './provisioning.errors';

/** Stands in for espeak-ng (-w FILE) and sox (IN ... OUT): writes a "WAV" of the given size. */
function fakeTools(calls: CommandSpec[], bytes = 4_000): CommandRunner {
  return async (spec) => {
    calls.push(spec);
    const output = spec.command === 'espeak-ng' ? spec.args[spec.args.indexOf('-w') + 1] : spec.args[spec.args.length - 1];
    await fs.writeFile(output as string, Buffer.alloc(bytes));
    return { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false };
  };
}

describe('ensurePrompts', () => {
  let chrootDir: string;
  beforeEach(async () => {
    chrootDir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'prompts-')), 'chroot');
    await fs.mkdir(chrootDir);
  });
  afterEach(() => fs.rm(path.dirname(chrootDir), { recursive: true, force: true }));

  it('generates every missing prompt as 8 kHz mono 16-bit WAV under sounds/zh/hotline', async () => {
    const calls: CommandSpec[] = [];
    const result = await ensurePrompts({ chrootDir, runCommand: fakeTools(calls) });
    expect(result.dir).toBe(path.join(chrootDir, PROMPTS_DIR_IN_CHROOT));
    expect(result.generated).toEqual(HOTLINE_PROMPTS.map((p) => p.name));
    expect(result.generated).toEqual(expect.arrayContaining(['welcome', 'you-pressed', 'digit-0', 'digit-9', 'unavailable', 'goodbye']));

    const welcome = calls.filter((c) => c.args.some((a) => a.includes('welcome')));
    expect(welcome[0]?.command).toBe('espeak-ng');
    expect(welcome[0]?.args.slice(0, 2)).toEqual(['-v', 'cmn']);
    expect(welcome[1]?.command).toBe('sox');
    expect(welcome[1]?.args.slice(1, 8)).toEqual(['-r', '8000', '-c', '1', '-b', '16', expect.stringMatching(/welcome\.wav$/)]);
    await expect(fs.access(path.join(result.dir, 'welcome.wav'))).resolves.toBeUndefined();
  });

  it('regenerates nothing when current, and only what changed or went missing', async () => {
    await ensurePrompts({ chrootDir, runCommand: fakeTools([]) });
    expect((await ensurePrompts({ chrootDir, runCommand: fakeTools([]) })).generated).toEqual([]);

    const changed = HOTLINE_PROMPTS.map((p) => (p.name === 'goodbye' ? { ...p, text: '再见。' } : p));
    expect((await ensurePrompts({ chrootDir, prompts: changed, runCommand: fakeTools([]) })).generated).toEqual(['goodbye']);

    await fs.rm(path.join(chrootDir, PROMPTS_DIR_IN_CHROOT, 'digit-3.wav'));
    expect((await ensurePrompts({ chrootDir, prompts: changed, runCommand: fakeTools([]) })).generated).toEqual(['digit-3']);
  });

  it('rejects output too small to be speech', async () => {
    await expect(ensurePrompts({ chrootDir, runCommand: fakeTools([], 44) })).rejects.toThrow(PromptGenerationError);
  });

  it('validates names and texts', async () => {
    await expect(ensurePrompts({ chrootDir, prompts: [{ name: 'Bad/Name', text: 'x' }], runCommand: fakeTools([]) })).rejects.toThrow(
      InvalidOptionsError,
    );
    await expect(ensurePrompts({ chrootDir, prompts: [{ name: 'ok', text: '--help' }], runCommand: fakeTools([]) })).rejects.toThrow(
      /must not start with "-"/,
    );
  });

  it('hashes text and voice', () => {
    const prompt = { name: 'x', text: '您好' };
    expect(promptHash(prompt, 'cmn')).toBe(promptHash({ ...prompt }, 'cmn'));
    expect(promptHash(prompt, 'cmn')).not.toBe(promptHash({ ...prompt, text: '你好' }, 'cmn'));
    expect(promptHash(prompt, 'cmn')).not.toBe(promptHash(prompt, 'yue'));
  });
});
