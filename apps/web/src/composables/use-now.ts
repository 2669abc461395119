import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

/** A clock that ticks while the component is mounted: countdowns move without reloading anything. */
export function useNow(intervalMs = 1_000): Ref<number> {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => (timer = setInterval(() => (now.value = Date.now()), intervalMs)));
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
