export * from './auth.errors';
export * from './password-hasher';
export * from './auth.service';
export * from './auth.guards';
export * from './auth.module';
export * from './demo-data.seed';
