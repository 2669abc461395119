export * from './backoff';
export * from './telephony.errors';
export * from './ari/ari-event.types';
export * from './ari/ari.gateway';
export * from './ari/ari-client.adapter';
export * from './ami/ami.gateway';
export * from './ami/ami-manager.adapter';
export * from './telephony.module';
