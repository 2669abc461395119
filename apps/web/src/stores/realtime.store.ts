import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AgentStateRequest, RealtimeCommandAck, RealtimeSnapshot, WorkOrderChangedPayload } from '@hotline/contracts';
import { connectRealtime, type RealtimeConnection, type RealtimeState } from '../api/realtime.client';
import { useAgentDeskStore } from './agent-desk.store';
import { useSessionStore } from './session.store';
import { useWallboardStore } from './wallboard.store';

type ChangeListener = (change: WorkOrderChangedPayload) => void;

/** The one realtime socket of the tab, opened after login and fanned out to the stores and pages. */
export const useRealtimeStore = defineStore('realtime', () => {
  const state = ref<RealtimeState>('connecting');
  const snapshot = ref<RealtimeSnapshot | null>(null);
  /** Bumped on each snapshot, so pages that list orders re-read them after a reconnect. */
  const resyncs = ref(0);
  const listeners = new Set<ChangeListener>();
  let connection: RealtimeConnection | undefined;

  function connect(): void {
    const session = useSessionStore();
    if (connection || !session.token) return;
    const wallboard = useWallboardStore();
    const desk = useAgentDeskStore();
    connection = connectRealtime(session.token, {
      onStateChange: (next) => (state.value = next),
      onSnapshot: (next) => {
        snapshot.value = next;
        wallboard.applySnapshot(next);
        desk.applySnapshot(next);
        resyncs.value += 1;
      },
      onEvent: (event) => {
        wallboard.applyEvent(event);
        desk.applyEvent(event);
      },
      onWorkOrderChanged: (change) => {
        for (const listener of listeners) listener(change);
      },
      onRefused: () => {
        close();
        session.logout();
      },
    });
  }

  function close(): void {
    connection?.close();
    connection = undefined;
    snapshot.value = null;
    state.value = 'connecting';
  }

  /** Returns the unsubscribe function; pages call it on unmount. */
  function onWorkOrderChanged(listener: ChangeListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  function setAgentState(request: AgentStateRequest): Promise<RealtimeCommandAck> {
    return connection ? connection.setAgentState(request) : Promise.resolve({ ok: false, code: 'OFFLINE', message: 'not connected' });
  }

  return { state, snapshot, resyncs, connect, close, onWorkOrderChanged, setAgentState };
});
