import type { CallSummaryDto } from '@hotline/contracts';

const pad = (value: number) => String(value).padStart(2, '0');

/** 65 s → "01:05", 3 725 s → "1:02:05". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

/** The call's length so far: final once ended, counting up (against `now`) while it is still up. */
export function callDurationMs(call: CallSummaryDto, now: number): number {
  return call.durationMs ?? now - Date.parse(call.startedAt);
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

function cached(cache: Map<string, Intl.DateTimeFormat>, locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let format = cache.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, hour12: false });
    cache.set(locale, format);
  }
  return format;
}

export function formatDateTime(iso: string, locale: string): string {
  return cached(dateTimeFormats, locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(iso));
}

export function formatTime(iso: string | Date, locale: string): string {
  return cached(timeFormats, locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));
}
