import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CallerPreviousOrderDto, CallOrderRefDto, HotlineEvent, OwnAgentView, RealtimeSnapshot } from '@hotline/contracts';

/** What the desk knows about a call beyond the wallboard's row: where it came from and how it got here. */
export interface CallDetail {
  lineName: string | null;
  skill: string | null;
  ivrPath: string[];
  /** Offered to (ringing at) or connected to this agent. */
  mine: boolean;
  /** The draft order call-control prepared, and the caller's open order if they have one. */
  draftId: string | null;
  openOrderId: string | null;
  /** 'attached': call-control linked the call to the caller's open order; 'draft': a new order is expected. */
  link: 'attached' | 'draft' | null;
  attachedOrder: CallOrderRefDto | null;
  /** The caller's last orders, newest first (from the screen pop). */
  previousOrders: CallerPreviousOrderDto[];
  recordingPaused: boolean;
}

const blankDetail = (): CallDetail => ({
  lineName: null,
  skill: null,
  ivrPath: [],
  mine: false,
  draftId: null,
  openOrderId: null,
  link: null,
  attachedOrder: null,
  previousOrders: [],
  recordingPaused: false,
});

/**
 * The agent's own state and the details of calls, folded from the snapshot and call-control's events. Null
 * agent: this login is no ACD agent (or the ACD is not installed), and the desk hides the state buttons.
 */
export const useAgentDeskStore = defineStore('agent-desk', () => {
  const agent = ref<OwnAgentView | null>(null);
  const details = ref<Record<string, CallDetail>>({});
  /** The last call offered to this agent: the screen pop. */
  const poppedCallId = ref<string | null>(null);
  /** Bumped when one of this agent's calls ends: the call history re-reads. */
  const endedCalls = ref(0);
  /** This agent's calls of the session: their recordings' completion also refreshes the history. */
  const myCalls = new Set<string>();
  /** The queue (skill) of this agent's latest call: its wrap-up length drives the countdown after the call. */
  const lastSkill = ref<string | null>(null);

  function detail(callId: string): CallDetail {
    details.value[callId] ??= blankDetail();
    return details.value[callId]!;
  }

  function applySnapshot(snapshot: RealtimeSnapshot): void {
    agent.value = snapshot.agent;
  }

  function applyEvent(event: HotlineEvent): void {
    const payload = event.payload as unknown as Record<string, unknown>;
    const callId = typeof payload.callId === 'string' ? payload.callId : null;
    switch (event.type) {
      case 'agent.state-changed': {
        const change = (event as HotlineEvent<'agent.state-changed'>).payload;
        if (agent.value && change.agentId === agent.value.agentId) {
          agent.value = { ...agent.value, state: change.state, reason: change.reason, seat: change.seat, callId: change.callId, since: event.occurredAt, wrapUpEndsAt: change.wrapUpEndsAt ?? null };
        }
        return;
      }
      case 'call.line': {
        const line = (event as HotlineEvent<'call.line'>).payload;
        Object.assign(detail(line.callId), { lineName: `${line.lineName} (${line.line})`, skill: line.skill });
        return;
      }
      case 'call.ivr': {
        const step = (event as HotlineEvent<'call.ivr'>).payload;
        detail(step.callId).ivrPath.push(step.outcome ? `${step.nodeId}:${step.outcome}` : step.nodeId);
        return;
      }
      case 'call.offered':
      case 'call.connected': {
        const offer = payload as { callId: string; agentId: string; skill: string };
        if (agent.value && offer.agentId === agent.value.agentId) {
          detail(offer.callId).mine = true;
          myCalls.add(offer.callId);
          lastSkill.value = offer.skill;
          poppedCallId.value = offer.callId;
        }
        return;
      }
      case 'call.work-order-draft': {
        const draft = (event as HotlineEvent<'call.work-order-draft'>).payload;
        Object.assign(detail(draft.callId), {
          draftId: draft.draftId,
          openOrderId: draft.openOrderId,
          link: draft.link ?? null,
          attachedOrder: draft.attachedOrder ?? null,
          previousOrders: draft.previousOrders ?? [],
        });
        return;
      }
      case 'recording.finalised':
        if (callId && myCalls.has(callId)) endedCalls.value += 1;
        return;
      case 'recording.paused':
      case 'recording.resumed':
        if (callId) detail(callId).recordingPaused = event.type === 'recording.paused';
        return;
      case 'call.ended':
        if (callId) {
          const { [callId]: _ended, ...rest } = details.value;
          details.value = rest;
          if (_ended?.mine) endedCalls.value += 1;
          if (poppedCallId.value === callId) poppedCallId.value = null;
        }
        return;
      default:
        return;
    }
  }

  return { agent, details, poppedCallId, lastSkill, endedCalls, applySnapshot, applyEvent };
});
