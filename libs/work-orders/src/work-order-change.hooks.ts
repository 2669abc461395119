import { Injectable } from '@nestjs/common';
import { Actor } from '@hotline/org';
import { Sql } from './pg-transaction';
import { WorkOrder } from './work-order.entity';
import { WorkOrderStatus } from './work-order.types';

/** One committed-together change of a work order, as other contexts (surveys) see it. */
export interface WorkOrderChange {
  /** The command, or `intake` for a new order. */
  command: string;
  actor: Actor;
  before: WorkOrder | null;
  after: WorkOrder;
  payload: Record<string, unknown>;
  now: Date;
}

/** Reacts inside the command's transaction: what it writes or enqueues commits or rolls back with the change. */
export interface WorkOrderChangeListener {
  onWorkOrderChange(tx: Sql, change: WorkOrderChange): Promise<void>;
}

/**
 * Where other bounded contexts hook into the lifecycle without the lifecycle depending on them (surveys
 * depend on work orders, never the reverse). Listeners register at module init, before any command runs.
 */
@Injectable()
export class WorkOrderChangeHooks {
  private readonly listeners: WorkOrderChangeListener[] = [];

  register(listener: WorkOrderChangeListener): void {
    if (!this.listeners.includes(listener)) this.listeners.push(listener);
  }

  async notify(tx: Sql, change: WorkOrderChange): Promise<void> {
    for (const listener of this.listeners) await listener.onWorkOrderChange(tx, change);
  }
}

/** The rating step (好差评): closed, and this round of handling not rated yet (a reopen starts a new round). */
export function isRatingDue(order: WorkOrder): boolean {
  return order.status === WorkOrderStatus.Closed && order.ratingRound <= order.reopenCount;
}
