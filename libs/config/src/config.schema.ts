import { isIP } from 'node:net';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const secret = z.string().min(12, 'must be at least 12 characters');
const ipAddress = z.string().refine((value) => isIP(value) !== 0, 'must be an IP address (host names would make Asterisk resolve DNS on calls)');
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
  // Bounds on every query and connection attempt of the running product (not migrations): a Postgres that
  // drops packets instead of refusing them would otherwise hold a call's step, a supervisor's command or an
  // HTTP request forever. Longer than any report or search the product runs (the slowest measured p95 is 0.2 s).
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(5_000),
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
  // Call control (issue 5). The recordings store: a host folder outside Asterisk's root that Asterisk writes
  // into (bind mount or shared volume); call-control measures and checksums files there, the api streams them.
  RECORDINGS_DIR: z.string().refine((value) => value.startsWith('/'), 'must be an absolute path').default('/var/lib/hotline12345/recordings'),
  // How long call-control waits after a hangup for MixMonitor to close and rename a recording before marking it missing.
  RECORDING_FINALISE_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(15_000),
  // Host path of Asterisk's sounds/zh/hotline folder. IVR text-to-speech prompts are generated into its tts/
  // sub-folder (played as sound:hotline/tts/<hash>); unset, flows can use recorded prompts only.
  IVR_SOUNDS_DIR: z.string().refine((value) => value.startsWith('/'), 'must be an absolute path').optional(),
  // Host path of the folder Asterisk's pjsip.conf includes generated/pjsip-seats.conf from (the agent seats
  // provisioned from Postgres); unset, seats are not provisioned by this process.
  ASTERISK_GENERATED_CONFIG_DIR: z.string().refine((value) => value.startsWith('/'), 'must be an absolute path').optional(),
  // Call ↔ work order (issue 5): when an agent answers, the call is attached to the caller's most recent open
  // order received within this many days (0: never attach, always open a draft for a new order).
  CALL_ATTACH_OPEN_ORDER_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  // The call timeline is written behind the call (call-control's CallTimelineWriter): events wait in a Redis
  // list and are flushed to Postgres CALL_TIMELINE_FLUSH_MS after something on a call's path waits for them
  // (a screen pop needs the call's row), else CALL_TIMELINE_IDLE_FLUSH_MS after they were handed over (the
  // list is durable, so only Postgres readers see them later), or as soon as CALL_TIMELINE_BATCH_SIZE wait.
  // Unset, the idle delay is the larger of 500 ms and CALL_TIMELINE_FLUSH_MS.
  CALL_TIMELINE_FLUSH_MS: z.coerce.number().int().min(5).max(10_000).default(100),
  CALL_TIMELINE_IDLE_FLUSH_MS: z.coerce.number().int().min(5).max(10_000).optional(),
  CALL_TIMELINE_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(200),
  // The longest a person (supervisor, agent, caller) waits for a call's row before a row that references it is
  // written (an audit row, a callback): past it the wait fails with CALL_RECORD_NOT_WRITTEN instead of hanging
  // while Postgres is out. Longer than the idle flush delay, so a healthy Postgres always makes it in time.
  CALL_RECORD_WAIT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // How call-control dials a citizen back ({number} is replaced), e.g. PJSIP/{number}@carrier or, for a fixed
  // peer, PJSIP/carrier/sip:{number}@10.0.0.5:5060.
  OUTBOUND_ENDPOINT_TEMPLATE: z.string().regex(/\{number\}/, 'must contain {number}').default('PJSIP/{number}@carrier'),
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
  // Login throttling (libs/auth): failures counted per username and per client address within the window;
  // reaching either limit locks that username or address out for LOGIN_LOCKOUT_SECONDS (429 + Retry-After).
  // The address limit is higher because one government office often reaches us through one NAT address.
  LOGIN_MAX_FAILURES_PER_USERNAME: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(50),
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(24 * 3600).default(15 * 60),
  LOGIN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(15 * 60),
  // Audit tables (sensitive reads, login lockouts) keep rows at least this long: 网络安全法 art. 21 asks
  // for network logs kept "不少于六个月", so less than 184 days (the longest six months) is refused.
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(184, 'must be at least 184 days (six months, 网络安全法 art. 21)').max(36_500).default(365),
  // How often the api prunes audit rows older than the retention; 0 turns the job off (another instance runs it).
  AUDIT_PRUNE_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(24 * 60),
  // Satisfaction surveys (回访): the SMSC the SMS survey is sent through (smpp://host:port), its bind
  // credentials and the number citizens see and reply to.
  // SMS_ENABLED (true/false, on/off, 1/0) switches the SMS channel; unset, it is on exactly when SMPP_URL is set
  // (a development machine or `npm start` has no SMSC, and would otherwise retry one forever). Off, the channel
  // is reported disabled once and SMS survey attempts are passed over with reason sms_disabled (see smsEnabled).
  SMS_ENABLED: z.stringbool().optional(),
  SMPP_URL: url(['smpp:']).optional(),
  SMPP_SYSTEM_ID: z.string().min(1).max(15).default('hotline12345'),
  SMPP_PASSWORD: z.string().max(8, 'SMPP passwords are at most 8 characters').default('hotline'),
  SMPP_SOURCE_ADDR: z.string().regex(/^\d{3,21}$/, 'must be 3 to 21 digits').default('12345'),
  // A submit that gets no submit_sm_resp in this time counts as failed (and is retried).
  SMPP_RESPONSE_TIMEOUT_SECONDS: z.coerce.number().min(1).max(120).default(10),
  // Outbound survey calls are capped so they never starve inbound callers of trunks or CPU.
  SURVEY_VOICE_MAX_CONCURRENT: z.coerce.number().int().min(0).max(500).default(4),
  SURVEY_VOICE_CALLS_PER_SECOND: z.coerce.number().min(0.1).max(50).default(1),
  // call-control's own caps on survey calls it places (the survey side caps what it issues; these protect the
  // trunk and CPU on this node): calls up at once, calls started per second, and how many inbound callers may
  // wait in the ACD before survey calls pause (0: any waiting caller pauses them). Excess commands wait in the stream.
  SURVEY_MAX_CONCURRENT_CALLS: z.coerce.number().int().min(1).max(500).default(4),
  SURVEY_CALLS_PER_SECOND: z.coerce.number().min(0.1).max(50).default(1),
  SURVEY_MAX_INBOUND_WAITING: z.coerce.number().int().min(0).max(10_000).default(0),
  // A survey job that fails (SMSC down, database hiccup) is retried with exponential backoff from this delay.
  SURVEY_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  SURVEY_RETRY_LIMIT: z.coerce.number().int().min(0).max(100).default(12),
  // How often an idle survey worker polls for due survey attempts.
  SURVEY_POLL_SECONDS: z.coerce.number().min(0.5).max(300).default(2),
}).superRefine((config, context) => {
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET) {
    context.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
  }
  if (config.CALL_TIMELINE_IDLE_FLUSH_MS !== undefined && config.CALL_TIMELINE_IDLE_FLUSH_MS < config.CALL_TIMELINE_FLUSH_MS) {
    context.addIssue({ code: 'custom', path: ['CALL_TIMELINE_IDLE_FLUSH_MS'], message: `must be at least CALL_TIMELINE_FLUSH_MS (${config.CALL_TIMELINE_FLUSH_MS})` });
  }
  const idleFlushMs = callTimelineIdleFlushMs(config);
  if (config.CALL_RECORD_WAIT_MS <= idleFlushMs) {
    context.addIssue({ code: 'custom', path: ['CALL_RECORD_WAIT_MS'], message: `must be longer than the timeline's idle flush delay (CALL_TIMELINE_IDLE_FLUSH_MS, ${idleFlushMs} ms)` });
  }
  if (config.SMS_ENABLED === true && config.SMPP_URL === undefined) {
    context.addIssue({ code: 'custom', path: ['SMPP_URL'], message: 'is required when SMS_ENABLED is on (smpp://host:port of the SMSC)' });
  }
});

export type AppConfig = z.infer<typeof appConfigSchema>;

/** How long the call timeline waits before flushing when nobody waits for it: unset, the larger of 500 ms and the flush delay. */
export function callTimelineIdleFlushMs(config: { CALL_TIMELINE_FLUSH_MS: number; CALL_TIMELINE_IDLE_FLUSH_MS?: number | undefined }): number {
  return config.CALL_TIMELINE_IDLE_FLUSH_MS ?? Math.max(500, config.CALL_TIMELINE_FLUSH_MS);
}

/** Whether this deployment sends and receives SMS: SMS_ENABLED when given, else whether an SMSC is configured. */
export function smsEnabled(config: Pick<AppConfig, 'SMS_ENABLED' | 'SMPP_URL'>): boolean {
  return config.SMS_ENABLED ?? config.SMPP_URL !== undefined;
}

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
  // Where Asterisk listens for the carrier's SIP and which address it offers for media; loopback suits a
  // development machine, production sets the interface the carrier reaches.
  SIP_BIND_ADDRESS: ipAddress.default('127.0.0.1'),
  SIP_MEDIA_ADDRESS: ipAddress.default('127.0.0.1'),
  ARI_HTTP_PORT: port.default(8088),
  ASTERISK_AMI_PORT: port.default(5038),
  RTP_START: port.default(20000),
  RTP_END: port.default(20999),
  HOTLINE_NUMBER: z.string().regex(/^\d{3,8}$/, 'must be 3 to 8 digits').default('12345'),
  // Call control (issue 5). The recordings store: a host folder outside Asterisk's root that Asterisk writes
  // into (bind mount or shared volume); call-control measures and checksums files there, the api streams them.
  RECORDINGS_DIR: z.string().refine((value) => value.startsWith('/'), 'must be an absolute path').default('/var/lib/hotline12345/recordings'),
  // How long call-control waits after a hangup for MixMonitor to close and rename a recording before marking it missing.
  RECORDING_FINALISE_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(15_000),
  // Host path of Asterisk's sounds/zh/hotline folder. IVR text-to-speech prompts are generated into its tts/
  // sub-folder (played as sound:hotline/tts/<hash>); unset, flows can use recorded prompts only.
  IVR_SOUNDS_DIR: z.string().refine((value) => value.startsWith('/'), 'must be an absolute path').optional(),
  // Host path of the folder Asterisk's pjsip.conf includes generated/pjsip-seats.conf from (the agent seats
  // provisioned from Postgres); unset, seats are not provisioned by this process.
  ASTERISK_GENERATED_CONFIG_DIR: z.string().refine((value) => value.startsWith('/'), 'must be an absolute path').optional(),
  // How call-control dials a citizen back ({number} is replaced), e.g. PJSIP/{number}@carrier or, for a fixed
  // peer, PJSIP/carrier/sip:{number}@10.0.0.5:5060.
  OUTBOUND_ENDPOINT_TEMPLATE: z.string().regex(/\{number\}/, 'must contain {number}').default('PJSIP/{number}@carrier'),
  HOTLINE_CACHE_DIR: z.string().min(1),
  HOTLINE_DATA_DIR: z.string().min(1),
  CARRIER_ADDRESSES: z.string().min(1).default('127.0.0.1'),
});

export type LauncherConfig = z.infer<typeof launcherConfigSchema>;
