import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { launcherConfigSchema, loadConfig, processEnvironment } from '@hotline/config';
import { Launcher } from './launcher';

async function main(): Promise<void> {
  const env = processEnvironment();
  const cacheDir = env.HOTLINE_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'hotline12345');
  const config = loadConfig(launcherConfigSchema, {
    ...env,
    HOTLINE_CACHE_DIR: cacheDir,
    HOTLINE_DATA_DIR: env.HOTLINE_DATA_DIR ?? path.join(cacheDir, 'data'),
  });
  const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
  const launcher = new Launcher(config, repoRoot, env);
  try {
    await launcher.run();
  } catch (error) {
    new Logger('Launcher').error((error as Error).message);
    await launcher.shutdown(1);
  }
}

void main();
