/** A delivery receipt (SMPP 3.4 Appendix B): `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:…`. */
export interface DeliveryReceipt {
  messageId: string;
  /** DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD. */
  status: string;
  error: string | null;
}

export const DELIVERED = 'DELIVRD';

export function parseDeliveryReceipt(text: string): DeliveryReceipt | null {
  const id = /(?:^|\s)id:(\S+)/i.exec(text);
  const stat = /(?:^|\s)stat:(\S+)/i.exec(text);
  if (!id || !stat) return null;
  const err = /(?:^|\s)err:(\S+)/i.exec(text);
  return { messageId: id[1], status: stat[1].toUpperCase(), error: err ? err[1] : null };
}
