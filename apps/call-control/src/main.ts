import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { appConfigSchema, loadConfig, processEnvironment } from '@hotline/config';
import { createCallControlApp } from './call-control.app';

async function main(): Promise<void> {
  const config = loadConfig(appConfigSchema, processEnvironment());
  await createCallControlApp(config);
}

main().catch((error: Error) => {
  new Logger('CallControl').error(error.message, error.stack);
  process.exit(1);
});
