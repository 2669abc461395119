import { INestApplication, Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@hotline/config';
import { ApiModule } from './api.module';
import { useRequestBodyParsing } from './http/request-body.parsing';
import { locateWebApp } from './web/web-app.static';

export interface ApiAppOptions {
  /** Where a relative WEB_DIST_DIR is resolved from; the repository root when started normally. */
  baseDir?: string;
  /** Let SIGTERM/SIGINT close the app. Off for in-process users that manage shutdown themselves (tests). */
  enableShutdownHooks?: boolean;
}

export interface RunningApi {
  app: INestApplication;
  /** e.g. http://127.0.0.1:3000 */
  url: string;
}

const LEVELS: readonly LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

function logLevelsUpTo(level: AppConfig['LOG_LEVEL']): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

function setUpOpenApi(app: INestApplication): void {
  const document = new DocumentBuilder()
    .setTitle('12345 hotline api')
    .setDescription('Contact centre for the 12345 government service hotline: calls, system health and live events.')
    .setVersion('0.1.0')
    .addTag('health', 'Postgres, Redis and Asterisk (ARI, AMI) reachability')
    .addTag('calls', 'Call records and their event timelines')
    .addTag('events', 'Live hotline events as Server-Sent Events')
    .build();
  // Served at /api/docs, with the JSON document at /api/docs-json.
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, document));
}

/** Creates and initialises the api (database migrated, routes mounted) without listening. */
export async function createApiApp(config: AppConfig, options: ApiAppOptions = {}): Promise<INestApplication> {
  const web = locateWebApp(config.WEB_DIST_DIR, options.baseDir ?? process.cwd());
  // Body parsing is ours (limits, 400/413/415 answers): with the web app mounted, serve-static's error
  // middleware would otherwise turn every malformed /api body into "404 Cannot POST".
  const app = await NestFactory.create(ApiModule.forRoot(config, web), { logger: logLevelsUpTo(config.LOG_LEVEL), bodyParser: false });
  useRequestBodyParsing(app);
  app.setGlobalPrefix('api');
  setUpOpenApi(app);
  if (options.enableShutdownHooks ?? true) app.enableShutdownHooks();
  await app.init();
  return app;
}

/** Creates the api and listens on API_HOST:API_PORT. */
export async function startApi(config: AppConfig, options: ApiAppOptions = {}): Promise<RunningApi> {
  const app = await createApiApp(config, options);
  await app.listen(config.API_PORT, config.API_HOST);
  const host = config.API_HOST.includes(':') ? `[${config.API_HOST}]` : config.API_HOST;
  const url = `http://${host}:${config.API_PORT}`;
  new Logger('ApiApp').log(`Listening on ${url} (OpenAPI at ${url}/api/docs)`);
  return { app, url };
}
