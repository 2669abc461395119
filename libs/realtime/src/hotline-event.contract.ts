/**
 * Events published by call-control and consumed by api (and later the browser). Typed once here so
 * both sides agree; every envelope carries id, version and time so consumers can drop duplicates.
 */
import { CALL_CONTROL_EVENT_TYPES, type CallControlEventPayloads } from './call-control-event.contract';
import { SYSTEM_ALARM_EVENT_TYPES, type SystemAlarmEventPayloads } from './system-alarm.contract';
import { TRANSFER_EVENT_TYPES, type TransferEventPayloads } from './transfer-event.contract';

export const HOTLINE_EVENT_VERSION = 1 as const;

export interface CallStartedPayload {
  callId: string;
  channelId: string;
  callerNumber: string | null;
  dialedNumber: string;
  startedAt: string;
}

export interface CallAnsweredPayload {
  callId: string;
  channelId: string;
  answeredAt: string;
}

export interface CallDtmfPayload {
  callId: string;
  channelId: string;
  digit: string;
  /** Position of this digit among the call's digits, from 1. */
  index: number;
}

export interface CallEndedPayload {
  callId: string;
  channelId: string;
  endedAt: string;
  hangupCause: number | null;
  hangupCauseText: string | null;
  durationMs: number;
}

export interface HotlineEventPayloads extends CallControlEventPayloads, SystemAlarmEventPayloads, TransferEventPayloads {
  'call.started': CallStartedPayload;
  'call.answered': CallAnsweredPayload;
  'call.dtmf': CallDtmfPayload;
  'call.ended': CallEndedPayload;
}

export type HotlineEventType = keyof HotlineEventPayloads;

export const HOTLINE_EVENT_TYPES: readonly HotlineEventType[] = ['call.started', 'call.answered', 'call.dtmf', 'call.ended', ...CALL_CONTROL_EVENT_TYPES, ...SYSTEM_ALARM_EVENT_TYPES, ...TRANSFER_EVENT_TYPES];

export interface HotlineEvent<T extends HotlineEventType = HotlineEventType> {
  id: string;
  type: T;
  version: typeof HOTLINE_EVENT_VERSION;
  occurredAt: string;
  payload: HotlineEventPayloads[T];
}

/** Who is monitoring which call: for the floor's supervisors only, since listening in is silent to the agent. */
export function isSupervisorOnlyEvent(event: HotlineEvent): boolean {
  // Alarms name lost calls and internal run times: the floor's staff act on them, agents cannot.
  return event.type === 'supervision.changed' || event.type === 'supervision.released' || event.type === 'system.alarm';
}

/** The Redis pub/sub channel all hotline events go out on, namespaced per deployment. */
export function hotlineEventChannel(prefix: string): string {
  return `${prefix}:events`;
}
