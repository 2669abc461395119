export * from './config.errors';
export * from './config.schema';
export * from './load-config';
export * from './process-environment';
export * from './config.module';
