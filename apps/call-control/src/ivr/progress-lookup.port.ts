import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OPEN_STATUSES, STATUS_LABELS, WorkOrderStatus } from '@hotline/work-orders';

export interface SpokenProgress {
  number: string;
  statusLabel: string;
}

/** Progress of a work order for the IVR: by order number, only for the caller whose number is on it. */
export interface ProgressLookupPort {
  lookup(orderNumber: string, callerNumber: string | null): Promise<SpokenProgress | null>;
  /** The caller's most recent open order, offered to the agent when the call is answered. */
  openOrderOf(callerNumber: string): Promise<string | null>;
}

export const PROGRESS_LOOKUP = Symbol('PROGRESS_LOOKUP');

/**
 * Reads the work-order context's table (issue 4) read-only, with its status labels. The caller ID plays
 * the part of the web lookup's "last 4 digits" (and a caller can only try as fast as they can dial).
 * Seam: when libs/work-orders offers a lookup that needs no pg-boss and no HTTP client key, use it here.
 */
@Injectable()
export class WorkOrderProgressAdapter implements ProgressLookupPort {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async lookup(orderNumber: string, callerNumber: string | null): Promise<SpokenProgress | null> {
    if (!callerNumber || !/^[0-9]{13}$/.test(orderNumber)) return null;
    const rows: Array<{ number: string; status: WorkOrderStatus; caller_phone: string }> = await this.dataSource.query(
      `SELECT number, status, caller_phone FROM work_orders WHERE number = $1`,
      [orderNumber],
    );
    const order = rows[0];
    if (!order || digits(order.caller_phone).slice(-8) !== digits(callerNumber).slice(-8)) return null;
    return { number: order.number, statusLabel: STATUS_LABELS[order.status] ?? order.status };
  }

  async openOrderOf(callerNumber: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM work_orders WHERE caller_phone = $1 AND status = ANY($2) ORDER BY received_at DESC LIMIT 1`,
      [callerNumber, [...OPEN_STATUSES]],
    );
    return rows[0]?.id ?? null;
  }
}

function digits(value: string): string {
  return value.replace(/\D/g, '');
}
