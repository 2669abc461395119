import { onBeforeUnmount, onMounted, ref, watch } from 'vue';
import type { WorkOrderChangedPayload, WorkOrderViewDto } from '@hotline/contracts';
import { authedClient, type ListQuery } from '../api/authed.client';
import { useRealtimeStore } from '../stores/realtime.store';

// Several changes in a burst (sign then contact) cost one reload.
const RELOAD_DEBOUNCE_MS = 150;

/**
 * A list of work orders that stays current by push: a `work-order.changed` the list cares about, or a fresh
 * snapshot after a reconnect, re-reads it over HTTP (where the caller-privacy rules apply per user).
 */
export function useWorkOrderList(query: () => ListQuery, relevant: (change: WorkOrderChangedPayload) => boolean = () => true) {
  const items = ref<WorkOrderViewDto[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const realtime = useRealtimeStore();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | undefined;

  async function load(): Promise<void> {
    loading.value = true;
    try {
      items.value = (await authedClient.workOrders(query())).items;
      error.value = null;
    } catch (failure) {
      error.value = failure instanceof Error ? failure.message : String(failure);
    } finally {
      loading.value = false;
    }
  }

  function reloadSoon(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void load(), RELOAD_DEBOUNCE_MS);
  }

  onMounted(() => {
    unsubscribe = realtime.onWorkOrderChanged((change) => {
      if (relevant(change) || items.value.some((order) => order.id === change.orderId)) reloadSoon();
    });
    void load();
  });
  watch(() => realtime.resyncs, reloadSoon);
  onBeforeUnmount(() => {
    clearTimeout(timer);
    unsubscribe?.();
  });

  return { items, loading, error, load };
}
