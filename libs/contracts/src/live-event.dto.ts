/**
 * GET /api/events/stream (Server-Sent Events). Hotline events are sent as unnamed (`message`) events whose
 * data is a HotlineEvent envelope and whose id is the envelope's id. Named events carry stream control.
 */
export type { HotlineEvent, HotlineEventType, HotlineEventPayloads } from '@hotline/realtime';
export type { CallStartedPayload, CallAnsweredPayload, CallDtmfPayload, CallEndedPayload } from '@hotline/realtime';

/** Sent once the server is subscribed to the event channel: anything published from then on reaches the client. */
export const LIVE_STREAM_READY_EVENT = 'ready';

export interface LiveStreamReadyDto {
  since: string;
}
