import { runChecked, spawnCommand, tailLines } from './command.runner';
import { CommandFailedError } from './provisioning.errors';
import { DEFAULT_HOST_ENV } from './provisioning.types';

describe('spawnCommand / runChecked', () => {
  it('streams complete lines as they arrive and captures output', async () => {
    const lines: string[] = [];
    const result = await spawnCommand({
      command: 'sh',
      args: ['-c', 'printf "I: one\\nI: two\\npartial"; echo err >&2'],
      env: DEFAULT_HOST_ENV,
      onLine: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual(expect.arrayContaining(['stdout:I: one', 'stdout:I: two', 'stdout:partial', 'stderr:err']));
  });

  it('passes only the given environment', async () => {
    const result = await spawnCommand({ command: 'sh', args: ['-c', 'echo "$ONLY_THIS:$HOME"'], env: { PATH: DEFAULT_HOST_ENV.PATH, ONLY_THIS: 'x' } });
    expect(result.stdout.trim()).toBe('x:');
  });

  it('turns a non-zero exit into CommandFailedError with the output tail', async () => {
    const run = runChecked(spawnCommand, { command: 'sh', args: ['-c', 'echo doing; echo "E: broken" >&2; exit 3'], env: DEFAULT_HOST_ENV });
    await expect(run).rejects.toThrow(CommandFailedError);
    await expect(
      runChecked(spawnCommand, { command: 'sh', args: ['-c', 'echo "E: broken" >&2; exit 3'], env: DEFAULT_HOST_ENV }),
    ).rejects.toThrow(/exited with code 3\.[\s\S]*E: broken/);
  });

  it('reports a missing executable and a timeout', async () => {
    await expect(runChecked(spawnCommand, { command: 'definitely-not-installed', args: [], env: DEFAULT_HOST_ENV })).rejects.toThrow(
      /could not be started/,
    );
    await expect(
      runChecked(spawnCommand, { command: 'sleep', args: ['5'], env: DEFAULT_HOST_ENV, timeoutMs: 100 }),
    ).rejects.toThrow(/timeout after 100 ms/);
  });

  it('tailLines keeps the last non-empty lines', () => {
    expect(tailLines('a\n\nb\nc\n', 2)).toBe('b\nc');
  });
});
