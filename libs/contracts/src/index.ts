export * from './api-error.dto';
export * from './call.dto';
export * from './health.dto';
export * from './live-event.dto';
export * from './realtime.dto';
export * from './work-order.dto';
export * from './survey.dto';
