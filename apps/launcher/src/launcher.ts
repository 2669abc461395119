import path from 'node:path';
import { Logger } from '@nestjs/common';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemoData } from '@hotline/auth';
import { LauncherConfig } from '@hotline/config';
import { createDataSource, runMigrations } from '@hotline/database';
import { startAsteriskInstance, telephonyEnvironment } from '@hotline/provisioning';
import { AppProcessSupervisor } from './app-process.supervisor';
import { renderBanner } from './launcher.banner';
import { LauncherError, LauncherErrorCode } from './launcher.errors';
import { provisionPostgres, redact } from './postgres.provisioner';
import { operatorSettings } from './operator-settings';
import { persistentSecret } from './persistent-secret';
import { checkRedis } from './redis.probe';

const ARI_APP = 'hotline';

interface AsteriskEndpoint {
  ariUrl: string;
  ariUsername: string;
  ariPassword: string;
  amiHost: string;
  amiPort: number;
  amiUsername: string;
  amiPassword: string;
  sipPort: number;
  managed: boolean;
  /** Set when npm start runs Asterisk: where call-control and the api find recordings, sounds and generated config. */
  recordingsDir?: string;
  soundsDir?: string;
  generatedConfigDir?: string;
  stop(): Promise<void>;
}

/**
 * `npm start`: provision what is missing (Postgres, Asterisk), check what must exist (Redis), migrate,
 * seed, start the apps, and stop all of it on Ctrl-C.
 */
export class Launcher {
  private readonly logger = new Logger(Launcher.name);
  private readonly cleanups: Array<{ name: string; run: () => Promise<void> }> = [];
  private readonly supervisor = new AppProcessSupervisor((name, code) => {
    this.logger.error(`${name} exited unexpectedly (code ${code}); stopping everything`);
    void this.shutdown(1);
  });
  private shuttingDown = false;

  constructor(private readonly config: LauncherConfig, private readonly repoRoot: string, private readonly hostEnv: Record<string, string | undefined>) {}

  async run(): Promise<void> {
    const started = Date.now();
    // Ctrl-C reaches every process of the terminal's group, and the launch script relays it too: later copies
    // of the signal must not kill the launcher halfway through stopping Asterisk.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void this.shutdown(0));

    const redisUrl = this.config.REDIS_URL ?? 'redis://127.0.0.1:6379';
    await this.timed('Redis', () => checkRedis(redisUrl));

    const postgres = await this.timed('Postgres', () => provisionPostgres({ databaseUrl: this.config.DATABASE_URL, dataDir: this.config.HOTLINE_DATA_DIR }));
    this.cleanups.push({ name: 'Postgres', run: postgres.stop });
    this.logger.log(`Postgres: ${postgres.source} (${redact(postgres.url)})`);

    const asterisk = await this.timed('Asterisk', () => this.asterisk());
    this.cleanups.push({ name: 'Asterisk', run: asterisk.stop });

    await this.timed('Migrations and demo data', async () => {
      const dataSource = await createDataSource(postgres.url).initialize();
      try {
        await runMigrations(dataSource);
        await seedDemoData(dataSource);
      } finally {
        await dataSource.destroy();
      }
    });

    const appEnv = this.appEnvironment(postgres.url, redisUrl, asterisk, await persistentSecret(this.config.HOTLINE_DATA_DIR, 'jwt-secret'));
    this.cleanups.push({ name: 'apps', run: () => this.supervisor.stopAll() });
    await this.timed('call-control', () =>
      this.supervisor.start({ name: 'call-control', script: this.dist('call-control'), env: appEnv, readyPattern: /taking calls/ }),
    );
    await this.timed('api and web', () =>
      this.supervisor.start({ name: 'api', script: this.dist('api'), env: appEnv, readyPattern: /Listening on http/ }),
    );

    process.stdout.write(
      renderBanner({
        webUrl: `http://${this.config.API_HOST}:${this.config.API_PORT}/`,
        postgres: `${redact(postgres.url)} (${postgres.source})`,
        redis: redisUrl,
        asterisk: { sipPort: asterisk.sipPort, ariUrl: asterisk.ariUrl, amiPort: asterisk.amiPort, managed: asterisk.managed },
        hotlineNumber: this.config.HOTLINE_NUMBER,
        demoLogins: DEMO_LOGINS.map((login) => ({ username: login.username, password: DEMO_PASSWORD, role: `${login.role} · ${login.displayName}` })),
        elapsedSeconds: (Date.now() - started) / 1000,
      }),
    );
  }

  async shutdown(code: number): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.logger.log('Stopping...');
    for (const cleanup of [...this.cleanups].reverse()) {
      try {
        await cleanup.run();
        this.logger.log(`Stopped ${cleanup.name}`);
      } catch (error) {
        this.logger.error(`Stopping ${cleanup.name} failed: ${(error as Error).message}`);
        code = code || 1;
      }
    }
    process.exit(code);
  }

  private async asterisk(): Promise<AsteriskEndpoint> {
    const c = this.config;
    const given = [c.ARI_URL, c.ARI_USERNAME, c.ARI_PASSWORD, c.AMI_USERNAME, c.AMI_PASSWORD];
    if (given.some((value) => value !== undefined)) {
      if (!given.every((value) => value !== undefined)) {
        throw new LauncherError(
          LauncherErrorCode.AsteriskSettingsIncomplete,
          'To use an existing Asterisk, set all of ARI_URL, ARI_USERNAME, ARI_PASSWORD, AMI_USERNAME and AMI_PASSWORD (AMI_HOST and AMI_PORT default to 127.0.0.1:5038); or set none to let npm start run its own.',
        );
      }
      return {
        ariUrl: c.ARI_URL!, ariUsername: c.ARI_USERNAME!, ariPassword: c.ARI_PASSWORD!,
        amiHost: c.AMI_HOST ?? '127.0.0.1', amiPort: c.AMI_PORT ?? 5038, amiUsername: c.AMI_USERNAME!, amiPassword: c.AMI_PASSWORD!,
        sipPort: c.SIP_PORT, managed: false, stop: async () => undefined,
      };
    }
    const instance = await startAsteriskInstance({
      cacheDir: c.HOTLINE_CACHE_DIR,
      name: 'dev',
      sipPort: c.SIP_PORT,
      sipBindAddress: c.SIP_BIND_ADDRESS,
      mediaAddress: c.SIP_MEDIA_ADDRESS,
      ariHttpPort: c.ARI_HTTP_PORT,
      amiPort: c.ASTERISK_AMI_PORT,
      rtpStart: c.RTP_START,
      rtpEnd: c.RTP_END,
      hotlineNumber: c.HOTLINE_NUMBER,
      ariApp: ARI_APP,
      carrierAddresses: c.CARRIER_ADDRESSES.split(',').map((address) => address.trim()),
      // Outside the chroot, next to the embedded Postgres data: recordings survive a chroot rebuild.
      recordingsDir: path.join(c.HOTLINE_DATA_DIR, 'recordings'),
      log: (line: string) => this.logger.log(line),
    });
    return { ...instance, managed: true, stop: () => instance.stop() };
  }

  private appEnvironment(databaseUrl: string, redisUrl: string, asterisk: AsteriskEndpoint, jwtSecret: string): Record<string, string> {
    const decided: Record<string, string> = {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      ...telephonyEnvironment(asterisk, ARI_APP),
      ...(asterisk.recordingsDir ? { RECORDINGS_DIR: asterisk.recordingsDir } : {}),
      ...(asterisk.soundsDir ? { IVR_SOUNDS_DIR: asterisk.soundsDir } : {}),
      ...(asterisk.generatedConfigDir ? { ASTERISK_GENERATED_CONFIG_DIR: asterisk.generatedConfigDir } : {}),
      API_HOST: this.config.API_HOST,
      API_PORT: String(this.config.API_PORT),
      WEB_DIST_DIR: path.join(this.repoRoot, 'dist', 'web'),
      HOTLINE_NUMBER: this.config.HOTLINE_NUMBER,
      JWT_SECRET: jwtSecret,
    };
    return { PATH: this.hostEnv.PATH ?? '/usr/bin:/bin', ...operatorSettings(this.hostEnv, new Set(Object.keys(decided))), ...decided };
  }

  private dist(app: string): string {
    return path.join(this.repoRoot, 'dist', 'apps', app, 'src', 'main.js');
  }

  private async timed<T>(what: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    this.logger.log(`${what}...`);
    const result = await work();
    this.logger.log(`${what} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  }
}
