export * from './clock';
export * from './keyed-serial-queue';
export * from './domain.error';
