/**
 * Alarms call-control raises about the platform itself (issue 9's fault suite): published on the hotline
 * event channel so wallboards and supervisors see them live, kept in Redis for health checks.
 */
export type SystemAlarmCode = 'asterisk_restart';

export interface SystemAlarmPayload {
  alarm: SystemAlarmCode;
  severity: 'critical' | 'warning';
  message: string;
  /** When the Asterisk run now connected started (CoreStatus), and the one before it. */
  asteriskStartedAt: string;
  previousAsteriskStartedAt: string | null;
  /** Calls that were up when Asterisk went away: ended with cause text asterisk_restart. */
  lostCallIds: string[];
}

export interface SystemAlarmEventPayloads {
  'system.alarm': SystemAlarmPayload;
}

export const SYSTEM_ALARM_EVENT_TYPES: ReadonlyArray<keyof SystemAlarmEventPayloads> = ['system.alarm'];

/** The last alarm as call-control keeps it in Redis, for the api's health report. */
export interface KeptSystemAlarm extends SystemAlarmPayload {
  raisedAt: string;
}

/** A recent alarm as staff see it (health report, realtime snapshot): the lost calls counted, not listed. */
export interface SystemAlarmView {
  alarm: SystemAlarmCode;
  severity: 'critical' | 'warning';
  message: string;
  raisedAt: string;
  lostCalls: number;
}

/** Where call-control keeps the last Asterisk alarm; the api reads it. */
export function asteriskAlarmKey(prefix: string): string {
  return `${prefix}:health:asterisk`;
}
