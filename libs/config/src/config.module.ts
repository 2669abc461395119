import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, appConfigSchema } from './config.schema';
import { Environment, loadConfig } from './load-config';
import { processEnvironment } from './process-environment';

export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** Validates once, at module creation: a bad variable stops start-up before anything connects. */
  static forRoot(env: Environment = processEnvironment()): DynamicModule {
    return ConfigModule.forConfig(loadConfig(appConfigSchema, env));
  }

  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: Object.freeze({ ...config }) }],
      exports: [APP_CONFIG],
    };
  }
}
