import { INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@hotline/config';
import { AMI_GATEWAY, AmiManagerAdapter, ARI_GATEWAY, AriClientAdapter } from '@hotline/telephony';
import { CallControlModule } from './call-control.module';

export interface CallControlStartOptions {
  /** Wait until ARI and AMI are connected before resolving (tests and the launcher want a ready system). */
  waitForAsterisk?: boolean;
}

/** Starts call-control in this process; used by main.ts, the launcher and the telephony tests alike. */
export async function createCallControlApp(config: AppConfig, options: CallControlStartOptions = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(CallControlModule.forConfig(config), {
    logger: logLevels(config.LOG_LEVEL),
  });
  app.enableShutdownHooks();
  const ari = app.get<AriClientAdapter>(ARI_GATEWAY);
  const ami = app.get<AmiManagerAdapter>(AMI_GATEWAY);
  const connected = Promise.all([ari.start(), ami.start()]);
  if (options.waitForAsterisk) await connected;
  else void connected.then(() => new Logger('CallControl').log('ARI and AMI connected; taking calls'));
  return app;
}

export function logLevels(level: AppConfig['LOG_LEVEL']): Array<'error' | 'warn' | 'log' | 'debug' | 'verbose'> {
  const order = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  return order.slice(0, order.indexOf(level) + 1);
}
