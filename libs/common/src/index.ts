export * from './clock';
export * from './keyed-serial-queue';
