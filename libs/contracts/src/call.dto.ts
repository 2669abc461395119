/**
 * What the api answers about calls. Pure types (and constants): the web imports this file through a Vite
 * alias, so it must never pull server code into the browser bundle.
 */
export type CallStatusDto = 'ringing' | 'answered' | 'ended';

export type CallDirectionDto = 'inbound' | 'outbound';

export interface CallEventDto {
  /** Row id in call_events (a bigint, sent as a string so no precision is lost in JavaScript). */
  id: string;
  /** Position in the call's timeline, from 1. */
  sequence: number;
  /** An event name such as `call.started`, `call.answered`, `call.dtmf`, `call.ended`. */
  type: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

export interface CallSummaryDto {
  id: string;
  channelId: string;
  direction: CallDirectionDto;
  callerNumber: string | null;
  dialedNumber: string;
  status: CallStatusDto;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  /** From start to end; null while the call is still up. */
  durationMs: number | null;
  /** Q.850 cause as Asterisk reports it (16 = normal clearing). */
  hangupCause: number | null;
  hangupCauseText: string | null;
  /** The call's timeline, ordered by sequence. */
  events: CallEventDto[];
}

export interface CallListDto {
  /** Newest first. */
  items: CallSummaryDto[];
  /** The limit that was applied. */
  limit: number;
}

export const CALL_LIST_DEFAULT_LIMIT = 20;
export const CALL_LIST_MAX_LIMIT = 100;
