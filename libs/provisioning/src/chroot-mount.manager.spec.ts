import { parseProcMounts } from './chroot-mount.manager';

describe('parseProcMounts', () => {
  it('reads source, mount point and type, decoding octal escapes', () => {
    const text = 'proc /proc proc rw,relatime 0 0\nproc /root/.cache/my\\040dir/chroot/proc proc rw 0 0\n';
    expect(parseProcMounts(text)).toEqual([
      { source: 'proc', mountPoint: '/proc', type: 'proc' },
      { source: 'proc', mountPoint: '/root/.cache/my dir/chroot/proc', type: 'proc' },
    ]);
  });
});
