import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import Redis from 'ioredis';
import { Client } from 'pg';
import { AppConfig, appConfigSchema, loadConfig } from '@hotline/config';
import { type AsteriskInstance } from '@hotline/provisioning';
import { HotlineEvent, hotlineEventChannel, parseHotlineEvent } from '@hotline/realtime';
import { RedisCommandBus } from '@hotline/redis';
import request from 'supertest';
import { DEMO_PASSWORD, seedDemoData } from '@hotline/auth';
import { DataSource } from 'typeorm';
import { createCallControlApp } from '../../apps/call-control/src/call-control.app';
import { RunningApi, startApi } from '../../apps/api/src/api-app.factory';
import { freePort } from './free-port';
import { startTestAsterisk } from './asterisk-test-instance';
import { TestDatabase } from './test-database';
import { testEnvironment } from './test-environment';
import { waitFor } from './wait-for';

export { waitFor };

export interface CallControlHarness {
  asterisk: AsteriskInstance;
  database: TestDatabase;
  config: AppConfig;
  /** call-control running in this process (replace with restartCallControl). */
  callControl: INestApplicationContext;
  db: Client;
  redis: Redis;
  commands: RedisCommandBus;
  recordingsDir: string;
  /** Every event published on the deployment's channel since the harness started. */
  published: HotlineEvent[];
  restartCallControl(): Promise<void>;
  /** The api in this process (when started with withApi). */
  api: ApiClient;
  close(): Promise<void>;
}

export interface ApiClient {
  url: string;
  /** Authorization header for a demo user (logged in once). */
  auth(username: string): Promise<Record<string, string>>;
  http(): ReturnType<typeof request>;
}

/**
 * Real Asterisk (recordings bound from a host temp folder, outside the chroot), a throw-away database,
 * a Redis prefix of its own, and call-control in-process, wired like npm start wires them.
 */
export async function startCallControlHarness(
  name: string,
  options: { rtpFrom: number; rtpPorts?: number; config?: Record<string, string>; startCallControl?: boolean; withApi?: boolean },
): Promise<CallControlHarness> {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const recordingsDir = await fs.mkdtemp(path.join(os.tmpdir(), `hotline-recordings-${name}-`));
  const asterisk = await startTestAsterisk(name, 'hotline', options.rtpFrom, { recordingsDir, rtpPorts: options.rtpPorts });
  const database = await TestDatabase.create(name);
  const config = loadConfig(appConfigSchema, {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: testEnvironment.TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    ARI_URL: asterisk.ariUrl,
    ARI_USERNAME: asterisk.ariUsername,
    ARI_PASSWORD: asterisk.ariPassword,
    ARI_APP: 'hotline',
    AMI_HOST: asterisk.amiHost,
    AMI_PORT: String(asterisk.amiPort),
    AMI_USERNAME: asterisk.amiUsername,
    AMI_PASSWORD: asterisk.amiPassword,
    LOG_LEVEL: 'warn',
    RECORDINGS_DIR: recordingsDir,
    IVR_SOUNDS_DIR: asterisk.soundsDir,
    ASTERISK_GENERATED_CONFIG_DIR: asterisk.generatedConfigDir,
    API_HOST: '127.0.0.1',
    API_PORT: String(await freePort()),
    ...options.config,
  });
  const published: HotlineEvent[] = [];
  const subscriber = new Redis(testEnvironment.TEST_REDIS_URL);
  await subscriber.subscribe(hotlineEventChannel(prefix));
  subscriber.on('message', (_channel, message) => published.push(parseHotlineEvent(message)));
  const redis = new Redis(testEnvironment.TEST_REDIS_URL);
  const commands = new RedisCommandBus(redis, config);
  let callControl = options.startCallControl === false ? (null as unknown as INestApplicationContext) : await createCallControlApp(config, { waitForAsterisk: true });
  const db = new Client({ connectionString: database.url });
  await db.connect();
  let running: RunningApi | null = null;
  const tokens = new Map<string, string>();
  if (options.withApi) {
    running = await startApi(config, { enableShutdownHooks: false });
    await seedDemoData(running.app.get(DataSource));
  }
  const api: ApiClient = {
    url: running?.url ?? '',
    http: () => request(running!.url),
    auth: async (username: string) => {
      if (!tokens.has(username)) {
        const response = await request(running!.url).post('/api/auth/login').send({ username, password: DEMO_PASSWORD }).expect(200);
        tokens.set(username, response.body.accessToken as string);
      }
      return { Authorization: `Bearer ${tokens.get(username)}` };
    },
  };
  const harness: CallControlHarness = {
    asterisk,
    database,
    config,
    get callControl() {
      return callControl;
    },
    db,
    redis,
    commands,
    recordingsDir,
    published,
    api,
    async restartCallControl() {
      await callControl?.close();
      callControl = await createCallControlApp(config, { waitForAsterisk: true });
    },
    async close() {
      await running?.app.close();
      await callControl?.close();
      await commands.onApplicationShutdown();
      await db.end();
      subscriber.disconnect();
      await scrubRedis(redis, prefix);
      redis.disconnect();
      await asterisk.stop();
      await database.drop();
      await fs.rm(recordingsDir, { recursive: true, force: true });
    },
  } as unknown as CallControlHarness;
  return harness;
}

async function scrubRedis(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}


/** Stores an IVR flow as version 1, publishes it and routes the given lines to it (call-control reloads on its own schedule or on config.reload). */
export async function publishFlowOnLines(db: Client, name: string, flow: object, lines: readonly string[] = ['12345']): Promise<void> {
  await db.query(`INSERT INTO ivr_flows (name) VALUES ($1)`, [name]);
  await db.query(`INSERT INTO ivr_flow_versions (flow_name, version, document, created_by) VALUES ($1, 1, $2, 'test')`, [name, JSON.stringify(flow)]);
  await db.query(`UPDATE ivr_flows SET published_version = 1 WHERE name = $1`, [name]);
  await db.query(`UPDATE hotline_lines SET flow_name = $1 WHERE number = ANY($2::text[])`, [name, [...lines]]);
}
