import type { CallEventDto, CallLinkedOrderDto, CallSummaryDto } from '@hotline/contracts';
import type { CallEntity, CallEventEntity } from '@hotline/database';

export function toCallEventDto(event: CallEventEntity): CallEventDto {
  return {
    id: String(event.id),
    sequence: event.sequence,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    payload: event.payload,
  };
}

/** `events` must already be this call's, ordered by sequence. */
export function toCallSummaryDto(call: CallEntity, events: readonly CallEventEntity[], linkedOrders: CallLinkedOrderDto[] = [], agentId: string | null = null): CallSummaryDto {
  return {
    id: call.id,
    channelId: call.channelId,
    direction: call.direction,
    callerNumber: call.callerNumber,
    dialedNumber: call.dialedNumber,
    status: call.status,
    startedAt: call.startedAt.toISOString(),
    answeredAt: call.answeredAt?.toISOString() ?? null,
    endedAt: call.endedAt?.toISOString() ?? null,
    durationMs: call.endedAt ? call.endedAt.getTime() - call.startedAt.getTime() : null,
    hangupCause: call.hangupCause,
    hangupCauseText: call.hangupCauseText,
    events: events.map(toCallEventDto),
    linkedOrders,
    agentId,
  };
}
