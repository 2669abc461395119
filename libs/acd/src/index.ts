export * from './acd-admin.repository';
export * from './acd.module';
export * from './queue-settings';
