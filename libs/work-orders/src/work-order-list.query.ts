import { RequestType } from '@hotline/sla';
import { DeadlineState } from './work-order.view';
import { WorkOrderStatus } from './work-order.types';

export interface WorkOrderListQuery {
  status?: WorkOrderStatus[];
  unitId?: string;
  type?: RequestType;
  categoryId?: string;
  /** A GB/T 2260 code or a prefix of one (2 digits: province, 4: prefecture, 6: county). */
  regionCode?: string;
  deadlineState?: Extract<DeadlineState, 'on_time' | 'due_soon' | 'overdue'>;
  receivedFrom?: Date;
  receivedTo?: Date;
  /** Full text in Chinese (or Latin words) over subject, content and address. */
  q?: string;
  /** The caller's number as stored on the order (exact): their previous orders, e.g. for the screen pop. */
  callerNumber?: string;
  /** false: confidential orders are left out (set for units searching by a caller's number). */
  confidential?: boolean;
  limit?: number;
  cursor?: string;
}

export interface Cursor {
  receivedAt: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.receivedAt, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): Cursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [receivedAt, id] = parsed as [unknown, unknown];
    if (typeof receivedAt !== 'string' || Number.isNaN(Date.parse(receivedAt))) return null;
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) return null;
    return { receivedAt, id };
  } catch {
    return null;
  }
}
