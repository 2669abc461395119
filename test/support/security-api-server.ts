import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@hotline/config';
import { seedDemoData } from '@hotline/auth';
import { NestFactory } from '@nestjs/core';
import { startApi } from '../../apps/api/src/api-app.factory';
import { ApiModule } from '../../apps/api/src/api.module';
import { useRequestBodyParsing } from '../../apps/api/src/http/request-body.parsing';
import { locateWebApp } from '../../apps/api/src/web/web-app.static';
import { apiTestConfig, REPO_ROOT } from './api-test-server';
import { TestDatabase } from './test-database';

export interface SecurityApiServer {
  url: string;
  app: INestApplication;
  config: AppConfig;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * Like startApiTestServer, but hands out the Nest application (the security tests read its router) and
 * seeds the demo units and users (one login per role, password DEMO_PASSWORD).
 */
export async function startSecurityApi(label: string, overrides: Record<string, string> = {}, options: { hardenedBodyParsing?: boolean } = {}): Promise<SecurityApiServer> {
  const database = await TestDatabase.create(label);
  const config = await apiTestConfig(label, database.url, { AUDIT_PRUNE_INTERVAL_MINUTES: '0', ...overrides });
  let app: INestApplication | undefined;
  try {
    const running = options.hardenedBodyParsing ? await startWithHardenedBodyParsing(config) : await startApi(config, { baseDir: REPO_ROOT, enableShutdownHooks: false });
    app = running.app;
    const dataSource = app.get(DataSource);
    await seedDemoData(dataSource);
    const started = app;
    return {
      url: running.url,
      app: started,
      config,
      dataSource,
      close: async () => {
        try {
          await started.close();
        } finally {
          await database.drop();
        }
      },
    };
  } catch (error) {
    await app?.close();
    await database.drop();
    throw error;
  }
}

export interface RouterRoute {
  method: string;
  /** Express path, e.g. /api/work-orders/:id */
  path: string;
}

/** Every route Nest mounted on Express 5's router (what actually answers, whatever the docs say). */
export function routerRoutes(app: INestApplication): RouterRoute[] {
  const instance = app.getHttpAdapter().getInstance() as { router?: { stack: RouterLayer[] }; _router?: { stack: RouterLayer[] } };
  const stack = (instance.router ?? instance._router)?.stack ?? [];
  return stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((method) => layer.route!.methods[method] && method !== '_all')
          .map((method) => ({ method: method.toUpperCase(), path: layer.route!.path }))
      : [],
  );
}

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * The api as createApiApp builds it, plus the body-parsing fix of apps/api/src/http/request-body.parsing.ts
 * wired the way api-app.factory.ts should wire it (that file belongs to another change; see the issue 9
 * note). No OpenAPI document in this variant.
 */
async function startWithHardenedBodyParsing(config: AppConfig): Promise<{ app: INestApplication; url: string }> {
  const web = locateWebApp(config.WEB_DIST_DIR, REPO_ROOT);
  const app = await NestFactory.create(ApiModule.forRoot(config, web), { logger: ['error'], bodyParser: false });
  useRequestBodyParsing(app);
  app.setGlobalPrefix('api');
  await app.init();
  await app.listen(config.API_PORT, config.API_HOST);
  return { app, url: `http://${config.API_HOST}:${config.API_PORT}` };
}
