export * from './entities';
export * from './data-source.factory';
export * from './migration.runner';
export * from './database.module';
export { migrations } from './migrations';
