export * from './sms.gateway';
export * from './sms-text.encoder';
export * from './delivery-receipt.parser';
export * from './smpp-sms.gateway';
export * from './disabled-sms.gateway';
export * from './sms.module';
