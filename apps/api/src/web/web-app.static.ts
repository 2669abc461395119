import { DynamicModule, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const WEB_BUILD_COMMAND = 'npx vite build --config apps/web/vite.config.ts';

export interface WebAppLocation {
  /** Absolute folder of the built web app. */
  root: string;
  built: boolean;
}

export function locateWebApp(webDistDir: string, baseDir: string): WebAppLocation {
  const root = resolve(baseDir, webDistDir);
  return { root, built: existsSync(join(root, 'index.html')) };
}

/**
 * Serves the built SPA: files as they are, any other GET (outside /api) gets index.html so the router's
 * deep links work. Hashed assets are cached for good; index.html never, so a deploy shows up at once.
 */
export function webAppStaticModule(location: WebAppLocation): DynamicModule {
  return ServeStaticModule.forRoot({
    rootPath: location.root,
    exclude: ['/api', '/api/{*rest}'],
    serveStaticOptions: {
      index: false,
      setHeaders: (response: { setHeader(name: string, value: string): void }, path: string) => {
        const immutable = path.includes(`${join(location.root, 'assets')}`);
        response.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    },
  });
}

/** Says, once the app is up, that the web app is missing and how to build it; the api works without it. */
@Injectable()
export class MissingWebAppNotice implements OnApplicationBootstrap {
  private readonly logger = new Logger(MissingWebAppNotice.name);

  constructor(private readonly location: WebAppLocation) {}

  onApplicationBootstrap(): void {
    this.logger.warn(`No web app at ${this.location.root} (index.html missing): serving the api only. Build it with: ${WEB_BUILD_COMMAND}`);
  }
}
