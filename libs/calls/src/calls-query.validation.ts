import { CALL_LIST_DEFAULT_LIMIT, CALL_LIST_MAX_LIMIT } from '@hotline/contracts';
import { InvalidCallsQueryError } from './calls.errors';

// Any 8-4-4-4-12 hex id is accepted, as Postgres's uuid type does; the version nibble is not ours to police.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `?limit=` arrives as whatever the query string held (absent, a string, or a list when repeated).
 * Absent or empty means the default; anything else must be a whole number in range.
 */
export function parseCallListLimit(raw: unknown): number {
  if (raw === undefined || raw === '') return CALL_LIST_DEFAULT_LIMIT;
  const fail = (rule: string, message: string): never => {
    throw new InvalidCallsQueryError([{ field: 'limit', rule, message }]);
  };
  if (typeof raw !== 'string') return fail('single', 'must be given once');
  if (!/^\d+$/.test(raw)) return fail('integer', 'must be a whole number');
  const limit = Number(raw);
  if (limit < 1) return fail('min', 'must be at least 1');
  if (limit > CALL_LIST_MAX_LIMIT) return fail('max', `must be at most ${CALL_LIST_MAX_LIMIT}`);
  return limit;
}

export function parseCallId(raw: unknown): string {
  if (typeof raw !== 'string' || !UUID.test(raw)) {
    throw new InvalidCallsQueryError([{ field: 'id', rule: 'uuid', message: 'must be a UUID' }]);
  }
  return raw.toLowerCase();
}

/** `?agentId=`: absent means every agent; else an ACD agent id (acd_agents.id: lower-case letters, digits, _ and -). */
export function parseAgentId(raw: unknown): string | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(raw)) {
    throw new InvalidCallsQueryError([{ field: 'agentId', rule: 'agent-id', message: 'must be an ACD agent id (lower-case letters, digits, _ and -), given once' }]);
  }
  return raw;
}
