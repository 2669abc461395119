import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { HEALTH_COMPONENTS, type HealthComponentDto, type HealthComponentName, type HealthDto } from '@hotline/contracts';
import { apiClient } from '../api/api.client';
import { useSessionStore } from './session.store';

export type ComponentState = 'up' | 'down' | 'unknown';

export interface ComponentHealth {
  name: HealthComponentName;
  state: ComponentState;
  detail?: HealthComponentDto;
}

const POLL_MS = 5_000;
// Events can come in bursts (a caller keying digits); one check per second is plenty.
const EVENT_REFRESH_GAP_MS = 1_000;

export const useHealthStore = defineStore('health', () => {
  const report = ref<HealthDto | null>(null);
  const unreachable = ref<string | null>(null);
  const checkedAt = ref<Date | null>(null);
  const checking = ref(false);

  let inFlight: Promise<void> | null = null;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let soonTimer: ReturnType<typeof setTimeout> | undefined;
  let lastStarted = 0;

  /** Recent platform alarms (supervisors and admins get them): the component is back up, but calls were lost. */
  const alarms = computed(() => (unreachable.value ? [] : (report.value?.alarms ?? [])));

  const components = computed<ComponentHealth[]>(() =>
    HEALTH_COMPONENTS.map((name) => {
      const detail = unreachable.value ? undefined : report.value?.details[name];
      return { name, state: detail?.status ?? 'unknown', detail };
    }),
  );

  function refresh(): Promise<void> {
    if (inFlight) return inFlight;
    lastStarted = Date.now();
    checking.value = true;
    inFlight = (async () => {
      try {
        report.value = await apiClient.health(useSessionStore().token);
        unreachable.value = null;
      } catch (error) {
        unreachable.value = error instanceof Error ? error.message : String(error);
      } finally {
        checkedAt.value = new Date();
        checking.value = false;
        inFlight = null;
      }
    })();
    return inFlight;
  }

  /** After a live event: check now, or as soon as the last check is a second old. */
  function refreshSoon(): void {
    if (soonTimer) return;
    const wait = Math.max(0, lastStarted + EVENT_REFRESH_GAP_MS - Date.now());
    soonTimer = setTimeout(() => {
      soonTimer = undefined;
      void refresh();
    }, wait);
  }

  function startPolling(): void {
    stopPolling();
    void refresh();
    pollTimer = setInterval(() => void refresh(), POLL_MS);
  }

  function stopPolling(): void {
    clearInterval(pollTimer);
    clearTimeout(soonTimer);
    pollTimer = undefined;
    soonTimer = undefined;
  }

  return { report, unreachable, checkedAt, checking, components, alarms, refresh, refreshSoon, startPolling, stopPolling };
});
