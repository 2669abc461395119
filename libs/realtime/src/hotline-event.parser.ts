import { HOTLINE_EVENT_TYPES, HOTLINE_EVENT_VERSION, HotlineEvent } from './hotline-event.contract';

export class InvalidHotlineEventError extends Error {
  constructor(reason: string) {
    super(`Invalid hotline event: ${reason}`);
    this.name = 'InvalidHotlineEventError';
  }
}

/** Events arrive over Redis from another process: treat them as untrusted input. */
export function parseHotlineEvent(raw: string): HotlineEvent {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidHotlineEventError('not JSON');
  }
  if (typeof value !== 'object' || value === null) throw new InvalidHotlineEventError('not an object');
  const event = value as Partial<HotlineEvent>;
  if (typeof event.id !== 'string' || event.id.length === 0) throw new InvalidHotlineEventError('missing id');
  if (!HOTLINE_EVENT_TYPES.includes(event.type as never)) throw new InvalidHotlineEventError(`unknown type ${String(event.type)}`);
  if (event.version !== HOTLINE_EVENT_VERSION) throw new InvalidHotlineEventError(`unsupported version ${String(event.version)}`);
  if (typeof event.occurredAt !== 'string' || Number.isNaN(Date.parse(event.occurredAt))) {
    throw new InvalidHotlineEventError('missing occurredAt');
  }
  if (typeof event.payload !== 'object' || event.payload === null) throw new InvalidHotlineEventError('missing payload');
  return event as HotlineEvent;
}
