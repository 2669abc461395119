import type { CallerPreviousOrder, CallOrderRef, CallWorkOrderDraftPayload } from '@hotline/realtime';

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
  /**
   * The work orders this call is linked to (attached on answer, or filed from its draft), oldest link first.
   * Always in GET /api/calls and /api/calls/{id} answers; optional only so rows a client builds from live
   * events (call.started) need not invent it.
   */
  linkedOrders?: CallLinkedOrderDto[];
  /** The ACD agent who answered the call (acd_queue_calls), if one did; always in api answers, as linkedOrders. */
  agentId?: string | null;
}

export interface CallListDto {
  /** Newest first. */
  items: CallSummaryDto[];
  /** The limit that was applied. */
  limit: number;
}

export const CALL_LIST_DEFAULT_LIMIT = 20;
export const CALL_LIST_MAX_LIMIT = 100;

// ── Call ↔ work order (issue 5). Consumed by the agent desk: screen pop, call history, order detail. ──

/** A work order as the call side shows it (id, number, status, subject): open it with GET /api/work-orders/{id}. */
export type CallOrderRefDto = CallOrderRef;

/** One of the caller's earlier orders (plus createdAt = received_at, confidential), newest first. */
export type CallerPreviousOrderDto = CallerPreviousOrder;

/** An order the call is linked to (work_order_calls), on GET /api/calls and /api/calls/{id}. */
export interface CallLinkedOrderDto extends CallOrderRef {
  linkedAt: string;
}

/**
 * The screen pop: payload of the `call.work-order-draft` hotline event (socket.io `hotline.event`), sent to the
 * agent who answered (their room) and to the centre, right after `call.connected`: draftId, link
 * ('attached' to the caller's open order, or 'draft' for a new one), attachedOrder, the caller's last 5
 * orders (previousOrders) and callerNumber, masked (138****1234) for roles that do not talk to callers.
 * Filing an order with `draftId` (POST /api/work-orders) links the call to it.
 */
export type CallScreenPopDto = CallWorkOrderDraftPayload;
