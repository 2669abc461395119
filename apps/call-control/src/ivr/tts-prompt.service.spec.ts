import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppConfig } from '@hotline/config';
import { TtsPromptService, TtsUnavailableError } from './tts-prompt.service';

describe('TtsPromptService', () => {
  let dir: string;
  let runs: Array<{ command: string; args: string[] }>;
  let service: TtsPromptService;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tts-'));
    runs = [];
    const fakeTools = async (command: string, args: string[]) => {
      runs.push({ command, args });
      const output = command === 'espeak-ng' ? args[args.indexOf('-w') + 1]! : args[args.length - 1]!;
      await new Promise((resolve) => setTimeout(resolve, 20));
      await fs.writeFile(output, Buffer.alloc(4_000));
    };
    service = new TtsPromptService({ IVR_SOUNDS_DIR: dir } as AppConfig, fakeTools);
  });

  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('synthesises Mandarin once per text (espeak-ng cmn, then sox to 8 kHz mono), shared by concurrent callers', async () => {
    const sounds = await Promise.all([service.soundFor('您前面还有三位'), service.soundFor('您前面还有三位')]);
    const hash = TtsPromptService.hashOf('您前面还有三位');
    expect(sounds).toEqual([`hotline/tts/${hash}`, `hotline/tts/${hash}`]);
    expect(runs.map((run) => run.command)).toEqual(['espeak-ng', 'sox']);
    expect(runs[0]!.args).toEqual(['-v', 'cmn', '-w', expect.any(String), '--', '您前面还有三位']);
    expect(runs[1]!.args.slice(1, 7)).toEqual(['-r', '8000', '-c', '1', '-b', '16']);
    await service.soundFor('您前面还有三位');
    expect(runs).toHaveLength(2);
    expect(await fs.readdir(path.join(dir, 'tts'))).toEqual([`${hash}.wav`]);
  });

  it('refuses when no sounds folder is configured', async () => {
    const without = new TtsPromptService({} as AppConfig, async () => undefined);
    await expect(without.soundFor('你好')).rejects.toBeInstanceOf(TtsUnavailableError);
  });
});
