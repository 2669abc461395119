export * from './hotline-event.contract';
export * from './hotline-event.parser';
