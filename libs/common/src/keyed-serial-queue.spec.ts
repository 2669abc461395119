import { KeyedSerialQueue } from './keyed-serial-queue';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedSerialQueue', () => {
  it('keeps order within a key even when earlier tasks are slower', async () => {
    const queue = new KeyedSerialQueue();
    const seen: string[] = [];
    await Promise.all([
      queue.run('a', async () => {
        await delay(20);
        seen.push('a1');
      }),
      queue.run('a', async () => {
        seen.push('a2');
      }),
      queue.run('b', async () => {
        seen.push('b1');
      }),
    ]);
    expect(seen).toEqual(['b1', 'a1', 'a2']);
    expect(queue.size).toBe(0);
  });

  it('keeps going after a failed task and reports the failure to its caller', async () => {
    const queue = new KeyedSerialQueue();
    await expect(queue.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run('a', async () => 'next')).resolves.toBe('next');
  });
});
