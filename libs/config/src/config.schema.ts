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
  // Work orders: signs login tokens. Required in production; development and tests get a fixed one.
  JWT_SECRET: secret.optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(8 * 3600),
  // Which jurisdiction's deadlines this deployment follows (libs/sla presets: bortala-2020, guizhou-2024,
  // ningxia-2025, city-rules). A code, not a rule set: the rules themselves are data.
  SLA_PRESET: z.string().regex(/^[a-z0-9-]+$/, 'use a preset code such as ningxia-2025').default('ningxia-2025'),
  // Citizen progress lookup (order number + last 4 phone digits): attempts per client per minute.
  PROGRESS_LOOKUP_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(5),
  // Durable deadline timers (pg-boss) keep their tables in this schema.
  PGBOSS_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'use a lower-case SQL identifier').default('pgboss'),
  // A timer job still active after this long is taken to have died with its process and is run again.
  TIMER_JOB_EXPIRE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  // How often pg-boss looks for such expired jobs (and does its other housekeeping).
  // How often an idle worker polls for due timers (deadlines are minutes to days apart).
  TIMER_POLL_SECONDS: z.coerce.number().min(0.5).max(300).default(2),
  TIMER_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
}).superRefine((config, context) => {
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET) {
    context.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
  }
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
