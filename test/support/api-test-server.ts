import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig, appConfigSchema, loadConfig } from '@hotline/config';
import { hotlineEventChannel, HotlineEvent } from '@hotline/realtime';
import { RunningApi, startApi } from '../../apps/api/src/api-app.factory';
import { freePort } from './free-port';
import { TestDatabase } from './test-database';
import { testEnvironment } from './test-environment';

export const REPO_ROOT = resolve(__dirname, '../..');

export interface ApiTestServer {
  url: string;
  config: AppConfig;
  database: TestDatabase;
  /** The api's own data source: migrated, ready for fixtures. */
  dataSource: DataSource;
  publish(event: HotlineEvent): Promise<number>;
  /** A client of the machine's Redis, for fixtures under the api's prefix. */
  redis: Redis;
  close(): Promise<void>;
}

/**
 * The api's config for a test: a throw-away database, the machine's Redis under a prefix of its own, a free
 * port, and ARI/AMI pointing at closed local ports (Asterisk is "down").
 */
export async function apiTestConfig(label: string, databaseUrl: string, overrides: Record<string, string> = {}): Promise<AppConfig> {
  const [apiPort, ariPort, amiPort] = [await freePort(), await freePort(), await freePort()];
  return loadConfig(appConfigSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    REDIS_URL: testEnvironment.TEST_REDIS_URL,
    REDIS_PREFIX: `test_${label.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`,
    ARI_URL: `http://127.0.0.1:${ariPort}`,
    ARI_USERNAME: 'hotline',
    ARI_PASSWORD: 'test-ari-password-not-used',
    AMI_HOST: '127.0.0.1',
    AMI_PORT: String(amiPort),
    AMI_USERNAME: 'hotline',
    AMI_PASSWORD: 'test-ami-password-not-used',
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    ...overrides,
  });
}

/**
 * The real api in this process, on a free port, against a throw-away database and the machine's Redis
 * (under a prefix of its own). ARI and AMI point at closed local ports: Asterisk is "down".
 */
export async function startApiTestServer(label: string, overrides: Record<string, string> = {}): Promise<ApiTestServer> {
  const database = await TestDatabase.create(label);
  const config = await apiTestConfig(label, database.url, overrides);

  let running: RunningApi | undefined;
  const publisher = new Redis(testEnvironment.TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    running = await startApi(config, { baseDir: REPO_ROOT, enableShutdownHooks: false });
    await publisher.connect();
  } catch (error) {
    await running?.app.close();
    publisher.disconnect();
    await database.drop();
    throw error;
  }
  const { app, url } = running;
  return {
    url,
    config,
    database,
    dataSource: app.get(DataSource),
    redis: publisher,
    publish: (event) => publisher.publish(hotlineEventChannel(config.REDIS_PREFIX), JSON.stringify(event)),
    close: async () => {
      try {
        await app.close();
        await publisher.quit();
      } finally {
        await database.drop();
      }
    },
  };
}
