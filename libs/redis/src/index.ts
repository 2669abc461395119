export * from './redis.tokens';
export * from './redis.module';
export * from './redis-event.publisher';
