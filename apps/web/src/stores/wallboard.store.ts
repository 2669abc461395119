import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AcdSnapshot, CallCountsSnapshot, HotlineEvent, LiveCallSnapshot, RealtimeSnapshot } from '@hotline/contracts';

const emptyCounts = (): CallCountsSnapshot => ({ day: '', started: 0, answered: 0, abandoned: 0, ended: 0 });

/**
 * The wallboard's picture: live calls, today's counters, and the ACD's queues and agents. Replaced by each
 * snapshot, then kept current by events, never by polling. `acd` stays null until call-control publishes
 * queue and agent events; then the grid fills in with no change here.
 */
export const useWallboardStore = defineStore('wallboard', () => {
  const liveCalls = ref<LiveCallSnapshot[]>([]);
  const today = ref<CallCountsSnapshot>(emptyCounts());
  const acd = ref<AcdSnapshot | null>(null);
  const lastEventAt = ref<string | null>(null);
  /**
   * The last platform alarm (pushed, or in the snapshot for a day after it was raised, so a blip or a reload
   * does not lose it), until dismissed on this screen.
   */
  const alarm = ref<{ message: string; severity: 'critical' | 'warning'; occurredAt: string } | null>(null);
  const dismissedKey = 'hotline.wallboard.dismissedAlarm';

  function showAlarm(next: { message: string; severity: 'critical' | 'warning'; occurredAt: string }): void {
    if (localStorage.getItem(dismissedKey) === next.occurredAt) return;
    if (alarm.value && Date.parse(alarm.value.occurredAt) >= Date.parse(next.occurredAt)) return;
    alarm.value = next;
  }
  /** Ids of the events already counted: a snapshot and a late event must not count one call twice. */
  const seen = new Set<string>();

  /** Where each live call is in the ACD (from call.queued / call.connected): the live list says "queued" or "with an agent". */
  const phases = ref<Record<string, 'queued' | 'agent'>>({});
  /** Today's answered and abandoned as the queues count them (agent answers), once the ACD reports. */
  const queueTotals = computed(() =>
    acd.value && acd.value.queues.length > 0
      ? acd.value.queues.reduce((sum, queue) => ({ answered: sum.answered + queue.answered, abandoned: sum.abandoned + queue.abandoned }), { answered: 0, abandoned: 0 })
      : null,
  );

  const waiting = computed(() => acd.value?.queues.reduce((sum, queue) => sum + queue.waiting, 0) ?? null);

  function applySnapshot(snapshot: RealtimeSnapshot): void {
    liveCalls.value = snapshot.calls?.live ?? [];
    today.value = snapshot.calls?.today ?? emptyCounts();
    acd.value = snapshot.acd;
    const latest = [...(snapshot.alarms ?? [])].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt))[0];
    if (latest) showAlarm({ message: latest.message, severity: latest.severity, occurredAt: latest.raisedAt });
  }

  function applyEvent(event: HotlineEvent): void {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    lastEventAt.value = event.occurredAt;
    const payload = event.payload as { callId?: string };
    const index = liveCalls.value.findIndex((call) => call.callId === payload.callId);
    switch (event.type) {
      case 'call.started': {
        const started = (event as HotlineEvent<'call.started'>).payload;
        if (index >= 0) return;
        liveCalls.value = [
          ...liveCalls.value,
          { callId: started.callId, channelId: started.channelId, callerNumber: started.callerNumber, dialedNumber: started.dialedNumber, status: 'ringing', startedAt: started.startedAt, answeredAt: null },
        ];
        today.value = { ...today.value, started: today.value.started + 1 };
        return;
      }
      case 'call.answered': {
        const call = liveCalls.value[index];
        if (!call || call.status === 'answered') return;
        liveCalls.value = liveCalls.value.map((known) => (known === call ? { ...known, status: 'answered', answeredAt: (event as HotlineEvent<'call.answered'>).payload.answeredAt } : known));
        today.value = { ...today.value, answered: today.value.answered + 1 };
        return;
      }
      case 'call.queued':
      case 'call.connected': {
        const callId = payload.callId;
        if (callId) phases.value = { ...phases.value, [callId]: event.type === 'call.queued' ? 'queued' : 'agent' };
        return;
      }
      case 'call.ended': {
        const call = liveCalls.value[index];
        if (payload.callId && payload.callId in phases.value) {
          const { [payload.callId]: _gone, ...rest } = phases.value;
          phases.value = rest;
        }
        if (!call) return;
        liveCalls.value = liveCalls.value.filter((known) => known !== call);
        today.value = {
          ...today.value,
          ended: today.value.ended + 1,
          abandoned: today.value.abandoned + (call.status === 'answered' ? 0 : 1),
        };
        return;
      }
      case 'queue.stats': {
        const stats = (event as HotlineEvent<'queue.stats'>).payload;
        const queues = (acd.value?.queues ?? []).filter((queue) => queue.queue !== stats.skill);
        queues.push({ queue: stats.skill, waiting: stats.waiting, staffed: stats.staffed, ready: stats.ready, answered: stats.answered, abandoned: stats.abandoned, serviceLevel: stats.serviceLevel, handleTimeSeconds: stats.handleTimeSeconds, longestWaitSeconds: stats.longestWaitSeconds, estimatedWaitSeconds: stats.estimatedWaitSeconds, updatedAt: event.occurredAt });
        acd.value = { queues: queues.sort((a, b) => a.queue.localeCompare(b.queue)), agents: acd.value?.agents ?? [] };
        return;
      }
      case 'system.alarm': {
        const raised = (event as HotlineEvent<'system.alarm'>).payload;
        showAlarm({ message: raised.message, severity: raised.severity, occurredAt: event.occurredAt });
        return;
      }
      case 'agent.state-changed': {
        const change = (event as HotlineEvent<'agent.state-changed'>).payload;
        const agents = (acd.value?.agents ?? []).filter((agent) => agent.agentId !== change.agentId);
        agents.push({ agentId: change.agentId, state: change.state, reason: change.reason, seat: change.seat, callId: change.callId, since: event.occurredAt });
        acd.value = { queues: acd.value?.queues ?? [], agents: agents.sort((a, b) => a.agentId.localeCompare(b.agentId)) };
        return;
      }
      default:
        return;
    }
  }

  function dismissAlarm(): void {
    if (alarm.value) localStorage.setItem(dismissedKey, alarm.value.occurredAt);
    alarm.value = null;
  }

  return { liveCalls, today, acd, phases, queueTotals, waiting, lastEventAt, alarm, applySnapshot, applyEvent, dismissAlarm };
});
