export enum LauncherErrorCode {
  RedisUnreachable = 'REDIS_UNREACHABLE',
  PostgresUnavailable = 'POSTGRES_UNAVAILABLE',
  AsteriskSettingsIncomplete = 'ASTERISK_SETTINGS_INCOMPLETE',
  ProcessExited = 'PROCESS_EXITED',
  NotReady = 'NOT_READY',
}

/** Failures the person running `npm start` can act on: the message says what to do. */
export class LauncherError extends Error {
  constructor(readonly code: LauncherErrorCode, message: string) {
    super(message);
    this.name = 'LauncherError';
  }
}
