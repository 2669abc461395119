import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const secret = z.string().min(12, 'must be at least 12 characters');
const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

/** Settings shared by api and call-control: the contracts with Postgres, Redis and Asterisk. */
export const appConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  REDIS_URL: url(['redis:', 'rediss:']),
  // Namespaces keys and channels so parallel runs (tests, a second centre) never see each other.
  REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]+$/, 'use lower-case letters, digits, _ or -').default('hotline'),
  ARI_URL: url(['http:', 'https:']),
  ARI_USERNAME: z.string().min(1),
  ARI_PASSWORD: secret,
  ARI_APP: z.string().regex(/^[a-z0-9_-]+$/, 'use lower-case letters, digits, _ or -').default('hotline'),
  AMI_HOST: z.string().min(1).default('127.0.0.1'),
  AMI_PORT: port.default(5038),
  AMI_USERNAME: z.string().min(1),
  AMI_PASSWORD: secret,
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  // Where the built web app lives; the api serves it when present.
  WEB_DIST_DIR: z.string().min(1).default('dist/web'),
  HOTLINE_NUMBER: z.string().regex(/^\d{3,8}$/, 'must be 3 to 8 digits').default('12345'),
});

export type AppConfig = z.infer<typeof appConfigSchema>;

/** Settings of `npm start`'s launcher: everything is optional, what is missing gets provisioned. */
export const launcherConfigSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  ARI_URL: url(['http:', 'https:']).optional(),
  ARI_USERNAME: z.string().min(1).optional(),
  ARI_PASSWORD: secret.optional(),
  AMI_HOST: z.string().min(1).optional(),
  AMI_PORT: port.optional(),
  AMI_USERNAME: z.string().min(1).optional(),
  AMI_PASSWORD: secret.optional(),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  SIP_PORT: port.default(5060),
  ARI_HTTP_PORT: port.default(8088),
  ASTERISK_AMI_PORT: port.default(5038),
  RTP_START: port.default(20000),
  RTP_END: port.default(20999),
  HOTLINE_NUMBER: z.string().regex(/^\d{3,8}$/, 'must be 3 to 8 digits').default('12345'),
  HOTLINE_CACHE_DIR: z.string().min(1),
  HOTLINE_DATA_DIR: z.string().min(1),
  CARRIER_ADDRESSES: z.string().min(1).default('127.0.0.1'),
});

export type LauncherConfig = z.infer<typeof launcherConfigSchema>;
