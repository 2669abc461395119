export * from './redis.tokens';
export * from './redis.module';
export * from './redis-event.publisher';
export * from './redis-command.bus';
export * from './redis-command.listener';
export * from './redis-consumer-group';
export * from './redis-scripts';
