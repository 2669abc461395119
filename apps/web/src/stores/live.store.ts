import { defineStore } from 'pinia';
import { ref } from 'vue';
import { connectLiveEvents, type LiveConnectionState } from '../api/live-events.client';
import { useCallsStore } from './calls.store';
import { useHealthStore } from './health.store';

/** The live event stream, fanned out to the stores it updates. */
export const useLiveStore = defineStore('live', () => {
  const state = ref<LiveConnectionState>('connecting');
  /** Only pages that show live data open the stream. */
  const active = ref(false);
  let disconnect: (() => void) | undefined;

  function connect(): void {
    if (disconnect) return;
    active.value = true;
    const calls = useCallsStore();
    const health = useHealthStore();
    disconnect = connectLiveEvents({
      onStateChange: (next) => (state.value = next),
      onReady: (resumed) => {
        // Events published while the stream was down are lost; the record has them.
        if (resumed) void calls.load();
      },
      onEvent: (event) => {
        calls.applyEvent(event).then(undefined, (error: unknown) => console.error('Could not apply a live event', event, error));
        health.refreshSoon();
      },
    });
  }

  function close(): void {
    disconnect?.();
    disconnect = undefined;
    active.value = false;
  }

  return { state, active, connect, close };
});
