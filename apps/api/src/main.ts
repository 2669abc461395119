import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { appConfigSchema, ConfigValidationError, loadConfig, processEnvironment } from '@hotline/config';
import { startApi } from './api-app.factory';

async function main(): Promise<void> {
  const config = loadConfig(appConfigSchema, processEnvironment());
  await startApi(config);
}

main().catch((error: unknown) => {
  // A bad configuration is the operator's to fix: print the list of problems, not a stack trace.
  if (error instanceof ConfigValidationError) console.error(error.message);
  else new Logger('ApiMain').error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
