export * from './hotline-event.contract';
export * from './call-control-event.contract';
export * from './hotline-command.contract';
export * from './hotline-command.parser';
export * from './hotline-event.parser';
export * from './realtime-socket.contract';
export * from './commands.contract';
