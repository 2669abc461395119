import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deadlineState, WorkOrderStatus } from '@hotline/work-orders';
import { WorkOrderChangedPayload } from '@hotline/realtime';
import { RealtimeFanout } from './realtime-fanout.service';

/**
 * Reads the order's committed state (not the actor-specific HTTP answer) and fans the change out. Every
 * unit ever assigned is told, so a unit whose order was re-dispatched away sees it leave its inbox.
 */
@Injectable()
export class WorkOrderChangeNotifier {
  constructor(private readonly dataSource: DataSource, private readonly fanout: RealtimeFanout) {}

  async changed(orderId: string, command: string): Promise<void> {
    const [order]: { id: string; number: string; status: WorkOrderStatus; version: number; lead_unit_id: string | null; handle_due_at: Date | null; unit_ids: string[] }[] =
      await this.dataSource.query(
        `SELECT o.id, o.number, o.status, o.version, o.lead_unit_id, o.handle_due_at,
                coalesce(array_agg(DISTINCT a.unit_id) FILTER (WHERE a.unit_id IS NOT NULL), '{}') AS unit_ids
           FROM work_orders o LEFT JOIN work_order_assignments a ON a.order_id = o.id
          WHERE o.id = $1 GROUP BY o.id`,
        [orderId],
      );
    if (!order) return;
    const now = new Date();
    const handleDueAt = order.handle_due_at ? new Date(order.handle_due_at) : null;
    const change: WorkOrderChangedPayload = {
      orderId: order.id,
      number: order.number,
      status: order.status,
      version: order.version,
      command,
      leadUnitId: order.lead_unit_id,
      unitIds: order.unit_ids,
      deadlineState: deadlineState({ status: order.status, handleDueAt }, now),
      handleDueAt: handleDueAt?.toISOString() ?? null,
      changedAt: now.toISOString(),
    };
    this.fanout.workOrderChanged(change);
  }
}
