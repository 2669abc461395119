import { maskPhone } from '@hotline/work-orders';
import type { CallerNumberVisibility } from '@hotline/realtime';

/** Same masking as the work-order lists (138****1234), so a number looks the same everywhere. */
export function maskCallerNumber(number: string | null, visibility: CallerNumberVisibility): string | null {
  if (number === null || visibility === 'full') return number;
  return maskPhone(number);
}
