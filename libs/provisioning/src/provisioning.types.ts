/** Receives one human-readable progress line at a time (no trailing newline). */
export type ProvisioningLog = (line: string) => void;

/**
 * Environment for host tools when the caller passes none. Libraries never
 * read process.env; the launcher passes its environment explicitly (for
 * proxies, PATH additions), tests may too.
 */
export const DEFAULT_HOST_ENV: Readonly<Record<string, string>> = Object.freeze({
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
});

/** Environment for processes inside the chroot: fixed, so the host's shell state never leaks in. */
export const CHROOT_ENV: Readonly<Record<string, string>> = Object.freeze({
  PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
  HOME: '/root',
});

export type HostEnv = Readonly<Record<string, string | undefined>>;
