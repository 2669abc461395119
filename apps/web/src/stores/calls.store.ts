import { defineStore } from 'pinia';
import { ref } from 'vue';
import { CALL_LIST_DEFAULT_LIMIT, type CallEventDto, type CallListDto, type CallSummaryDto, type HotlineEvent } from '@hotline/contracts';
import { ApiRequestError } from '../api/api.client';
import { authedClient } from '../api/authed.client';
import { useSessionStore } from './session.store';

/** Identifies "the same" event whether it came live (envelope id) or from Postgres (row id). */
function eventKey(event: Pick<CallEventDto, 'type' | 'payload'>): string {
  return event.type === 'call.dtmf' ? `${event.type}#${String(event.payload.index ?? '')}` : event.type;
}

function mergeEvents(stored: readonly CallEventDto[], live: readonly CallEventDto[]): CallEventDto[] {
  const seen = new Set(stored.map(eventKey));
  const extra = live.filter((event) => !seen.has(eventKey(event)));
  return [...stored, ...extra].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.sequence - b.sequence);
}

const newestFirst = (a: CallSummaryDto, b: CallSummaryDto) => Date.parse(b.startedAt) - Date.parse(a.startedAt);

const HIGHLIGHT_MS = 4_000;

export const useCallsStore = defineStore('calls', () => {
  const calls = ref<CallSummaryDto[]>([]);
  const loading = ref(false);
  const loadError = ref<string | null>(null);
  /** Call records are personal data: the api lists them to logged-in centre staff only. */
  const needsLogin = ref(false);
  /** Calls that just appeared live, highlighted for a moment so the eye finds them. */
  const fresh = ref(new Set<string>());
  const limit = CALL_LIST_DEFAULT_LIMIT;

  /**
   * Loads the latest calls from the record. Live events may have arrived meanwhile for calls or events the
   * answer does not have yet (the row is written after the event is published): those are kept.
   */
  async function load(): Promise<void> {
    needsLogin.value = !useSessionStore().loggedIn;
    if (needsLogin.value) return;
    loading.value = true;
    try {
      const { items } = await authedClient.get<CallListDto>(`/calls?limit=${limit}`);
      const byId = new Map(calls.value.map((call) => [call.id, call]));
      const merged = items.map((call) => {
        const known = byId.get(call.id);
        return known ? { ...call, events: mergeEvents(call.events, known.events) } : call;
      });
      const oldestListed = merged.at(-1)?.startedAt;
      const liveOnly = calls.value.filter(
        (call) => !merged.some((listed) => listed.id === call.id) && (!oldestListed || Date.parse(call.startedAt) >= Date.parse(oldestListed)),
      );
      calls.value = [...merged, ...liveOnly].sort(newestFirst).slice(0, limit);
      loadError.value = null;
    } catch (error) {
      loadError.value = error instanceof Error ? error.message : String(error);
    } finally {
      loading.value = false;
    }
  }

  function highlight(id: string): void {
    fresh.value = new Set(fresh.value).add(id);
    setTimeout(() => {
      const next = new Set(fresh.value);
      next.delete(id);
      fresh.value = next;
    }, HIGHLIGHT_MS);
  }

  function appendEvent(call: CallSummaryDto, event: HotlineEvent): void {
    const entry: CallEventDto = {
      id: event.id,
      sequence: Math.max(0, ...call.events.map((known) => known.sequence)) + 1,
      type: event.type,
      occurredAt: event.occurredAt,
      payload: { ...event.payload },
    };
    call.events = mergeEvents(call.events, [entry]);
  }

  /** Fetches a call the page has not seen (an event for it came first); absent from the record yet is fine. */
  async function adopt(id: string): Promise<CallSummaryDto | undefined> {
    try {
      if (needsLogin.value) return undefined;
      const call = await authedClient.get<CallSummaryDto>(`/calls/${encodeURIComponent(id)}`);
      if (!calls.value.some((known) => known.id === id)) {
        calls.value = [...calls.value, call].sort(newestFirst).slice(0, limit);
      }
      return calls.value.find((known) => known.id === id);
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Applies one live event to the list, without reloading it. */
  async function applyEvent(event: HotlineEvent): Promise<void> {
    // queue.stats and agent.state-changed concern no single call; this list is about calls.
    const callId = (event.payload as { callId?: unknown }).callId;
    if (typeof callId !== 'string') return;
    let call = calls.value.find((known) => known.id === callId);

    if (event.type === 'call.started') {
      const payload = (event as HotlineEvent<'call.started'>).payload;
      if (!call) {
        call = {
          id: payload.callId,
          channelId: payload.channelId,
          direction: 'inbound',
          callerNumber: payload.callerNumber,
          dialedNumber: payload.dialedNumber,
          status: 'ringing',
          startedAt: payload.startedAt,
          answeredAt: null,
          endedAt: null,
          durationMs: null,
          hangupCause: null,
          hangupCauseText: null,
          events: [],
          linkedOrders: [],
          agentId: null,
        };
        calls.value = [call, ...calls.value].sort(newestFirst).slice(0, limit);
        // Work on the reactive copy from here on, so changes render.
        call = calls.value.find((known) => known.id === callId);
        highlight(payload.callId);
      }
    }
    call ??= await adopt(callId);
    if (!call) return;

    if (event.type === 'call.answered') {
      const payload = (event as HotlineEvent<'call.answered'>).payload;
      if (call.status === 'ringing') call.status = 'answered';
      call.answeredAt ??= payload.answeredAt;
    } else if (event.type === 'call.ended') {
      const payload = (event as HotlineEvent<'call.ended'>).payload;
      call.status = 'ended';
      call.endedAt = payload.endedAt;
      call.durationMs = payload.durationMs;
      call.hangupCause = payload.hangupCause;
      call.hangupCauseText = payload.hangupCauseText;
    }
    appendEvent(call, event);
  }

  return { calls, loading, loadError, needsLogin, fresh, limit, load, applyEvent };
});
