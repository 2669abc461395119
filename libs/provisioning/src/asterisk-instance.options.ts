import * as net from 'node:net';
import * as path from 'node:path';
import { z } from 'zod';
import type { ChrootSpec } from './asterisk-chroot.builder';
import type { CommandRunner } from './command.runner';
import type { HostRequirement } from './host-packages.installer';
import type { PromptDefinition } from './hotline-prompts.catalog';
import { InvalidOptionsError } from './provisioning.errors';
import type { HostEnv, ProvisioningLog } from './provisioning.types';

export interface StartAsteriskInstanceOptions {
  /** Absolute folder kept between runs for the chroot (the launcher passes ~/.cache/hotline12345). */
  readonly cacheDir: string;
  /** Instance name: [a-z][a-z0-9-]*, max 32. Several instances with distinct names and ports share one chroot. */
  readonly name: string;
  /** UDP port of the SIP transport. */
  readonly sipPort: number;
  /**
   * Local address the SIP transport binds to and the address put in SDP for media (default 127.0.0.1,
   * which is all a development machine needs). In production: the interface the carrier reaches.
   */
  readonly sipBindAddress?: string;
  readonly mediaAddress?: string;
  /** TCP port of Asterisk's HTTP server (ARI) on 127.0.0.1. */
  readonly ariHttpPort: number;
  /** TCP port of AMI on 127.0.0.1. */
  readonly amiPort: number;
  /** First and last UDP port for RTP; give parallel instances disjoint ranges. */
  readonly rtpStart: number;
  readonly rtpEnd: number;
  /** The number callers dial (request URI user), e.g. "12345". */
  readonly hotlineNumber: string;
  /** ARI application name that Stasis() hands calls to. */
  readonly ariApp: string;
  /** Source addresses (IP or CIDR) whose SIP requests are the carrier's; nothing else reaches the dialplan. */
  readonly carrierAddresses: readonly string[];
  /**
   * Absolute host folder for recordings, outside the chroot: bind-mounted into the instance so Asterisk
   * writes there. Default: a plain folder inside the instance (development only; it goes with the chroot).
   */
  readonly recordingsDir?: string;
  /** Progress lines; silent when absent. */
  readonly log?: ProvisioningLog;
  /** Folder with the *.conf templates; defaults to the repo's asterisk/templates. */
  readonly templatesDir?: string;
  /** What the chroot contains; defaults to DEFAULT_CHROOT_SPEC. */
  readonly chrootSpec?: ChrootSpec;
  /** Debian mirror for debootstrap; debootstrap's default when absent. */
  readonly debianMirror?: string;
  /** Prompts to install; defaults to HOTLINE_PROMPTS. */
  readonly prompts?: readonly PromptDefinition[];
  /** Host tools to ensure; defaults to DEFAULT_HOST_REQUIREMENTS (includes sipp for tests). */
  readonly hostRequirements?: readonly HostRequirement[];
  /** Environment for host tools (apt-get, debootstrap, espeak-ng); defaults to DEFAULT_HOST_ENV. */
  readonly env?: HostEnv;
  /** How long Asterisk may take to be fully booted (default 60 s). */
  readonly bootTimeoutMs?: number;
  /** Command execution, injectable for tests. */
  readonly runCommand?: CommandRunner;
}

const port = z.number().int().min(1024, 'must be ≥ 1024 (unprivileged range)').max(65535);

const carrierAddress = z.string().refine(isIpOrCidr, {
  message: 'must be an IP address or CIDR (no host names: resolving them needs DNS, which stalls calls here)',
});

const localAddress = z.string().refine((value) => net.isIP(value) !== 0, {
  message: 'must be an IP address (a host name would make Asterisk resolve it, which stalls calls here)',
});

const schema = z
  .object({
    cacheDir: z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path'),
    name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must match [a-z][a-z0-9-]{0,31}'),
    sipPort: port,
    ariHttpPort: port,
    amiPort: port,
    rtpStart: port,
    rtpEnd: port,
    hotlineNumber: z.string().regex(/^[0-9]{3,15}$/, 'must be 3 to 15 digits'),
    ariApp: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be [A-Za-z0-9_.-], max 64'),
    carrierAddresses: z.array(carrierAddress).min(1, 'at least one carrier address is needed'),
    sipBindAddress: localAddress.optional(),
    mediaAddress: localAddress.optional(),
    bootTimeoutMs: z.number().int().positive().optional(),
    templatesDir: z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path').optional(),
    recordingsDir: z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path').optional(),
    debianMirror: z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL').optional(),
  })
  .superRefine((o, ctx) => {
    const named = [
      ['sipPort', o.sipPort],
      ['ariHttpPort', o.ariHttpPort],
      ['amiPort', o.amiPort],
    ] as const;
    const seen = new Map<number, string>();
    for (const [key, value] of named) {
      const other = seen.get(value);
      if (other) ctx.addIssue({ code: 'custom', path: [key], message: `must differ from ${other} (${value})` });
      seen.set(value, key);
    }
    if (o.rtpEnd - o.rtpStart < 1) {
      ctx.addIssue({ code: 'custom', path: ['rtpEnd'], message: `must be above rtpStart (${o.rtpStart}); each call needs an RTP/RTCP pair` });
    }
    for (const [key, value] of named) {
      if (value >= o.rtpStart && value <= o.rtpEnd) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${value} lies inside the RTP range ${o.rtpStart}-${o.rtpEnd}` });
      }
    }
  });

/** Validates the data part of the options; throws {@link InvalidOptionsError} listing every problem. */
export function validateStartOptions(options: StartAsteriskInstanceOptions): void {
  const result = schema.safeParse(options);
  if (result.success) return;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`);
  throw new InvalidOptionsError('Asterisk instance options', issues);
}

export function isIpOrCidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  if (rest.length > 0) return false;
  const family = net.isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^[0-9]{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}
