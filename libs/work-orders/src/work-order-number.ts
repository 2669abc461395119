import { shanghaiDate } from '@hotline/sla';

/**
 * A number a caller can read out and type on a phone keypad: the China-time intake date and a daily sequence,
 * e.g. 2026112300001. Five digits give 99,999 orders a day, well above any one hotline's volume.
 */
export function formatWorkOrderNumber(receivedAt: Date, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 99_999) throw new RangeError(`Daily sequence ${sequence} out of range`);
  return `${shanghaiDate(receivedAt).replace(/-/g, '')}${String(sequence).padStart(5, '0')}`;
}

export const WORK_ORDER_NUMBER = /^\d{13}$/;
