import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { WorkingDayCalendarService, workingDays, computeDeadline } from '@hotline/sla';
import { Sql, TransactionRunner } from './pg-transaction';
import { TimerJob, TimerKind, TimerScheduler } from './work-order-timer';
import { WorkOrder } from './work-order.entity';
import { ACTIVE_STATUSES, WorkOrderStatus as S } from './work-order.types';
import { NewSupervision, WorkOrderRepository } from './work-order.repository';

export type TimerOutcome = 'acted' | 'stale' | 'already_done';

/** Supervision levels: 1 the centre's 督办单, 2 the management body, 3 the government (Guizhou 第十七条). */
export const MAX_SUPERVISION_LEVEL = 3;

/**
 * What a fired timer does. Timers are at-least-once (a crash between the work and pg-boss's acknowledgement
 * runs a job again), so every effect is idempotent: a supervision is unique per (order, kind, level,
 * deadline), a notification per dedupe key. A timer whose deadline has moved (signed, extended, replied)
 * is stale and does nothing.
 */
@Injectable()
export class WorkOrderTimerHandler {
  private readonly logger = new Logger(WorkOrderTimerHandler.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: WorkOrderRepository,
    private readonly timers: TimerScheduler,
    private readonly calendars: WorkingDayCalendarService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(job: TimerJob): Promise<TimerOutcome> {
    const calendar = await this.calendars.calendar();
    const outcome = await this.transactions.run(async (tx) => {
      // The row lock orders this timer against commands on the same order.
      const order = await this.repository.findById(tx, job.orderId, true);
      if (!order) return 'stale' as const;
      const dueAt = new Date(job.dueAt);
      const now = this.clock.now();
      const same = (value: Date | null) => value !== null && value.getTime() === dueAt.getTime();
      const handlingOpen = ACTIVE_STATUSES.has(order.status) && same(order.handleDueAt);

      switch (job.kind) {
        case TimerKind.DispatchOverdue:
          if (order.status !== S.Accepted || !same(order.dispatchDueAt)) return 'stale';
          return this.supervise(tx, order, { kind: 'dispatch_overdue', level: 1, unitId: null, dueAt, reason: '超时未派单', now });
        case TimerKind.SignReminder:
          if (order.status !== S.Dispatched || !same(order.signDueAt)) return 'stale';
          return this.remind(tx, order, job, '即将超过签收时限', now);
        case TimerKind.SignOverdue:
          if (order.status !== S.Dispatched || !same(order.signDueAt)) return 'stale';
          return this.supervise(tx, order, { kind: 'sign_overdue', level: 1, unitId: order.leadUnitId, dueAt, reason: '超时未签收', now });
        case TimerKind.ContactOverdue:
          if (order.firstContactedAt || !ACTIVE_STATUSES.has(order.status) || !same(order.firstContactDueAt)) return 'stale';
          return this.supervise(tx, order, { kind: 'contact_overdue', level: 1, unitId: order.leadUnitId, dueAt, reason: '超时未联系诉求人', now });
        case TimerKind.HandleReminder:
          if (!handlingOpen) return 'stale';
          return this.remind(tx, order, job, '即将超过办理时限', now);
        case TimerKind.HandleOverdue:
        case TimerKind.SupervisionRecheck: {
          if (!handlingOpen) return 'stale';
          const level = job.kind === TimerKind.HandleOverdue ? 1 : Math.min(job.level ?? 2, MAX_SUPERVISION_LEVEL);
          const result = await this.supervise(tx, order, {
            kind: 'handle_overdue',
            level,
            unitId: order.leadUnitId,
            dueAt,
            reason: level === 1 ? '超出办理时限未办结' : `督办后仍未办结, 提级督办 (第 ${level} 级)`,
            now,
          });
          // Still not done one working day later → the next level (repeated overdue escalates).
          if (result === 'acted' && level < MAX_SUPERVISION_LEVEL) {
            const recheck = computeDeadline(calendar, now, workingDays(1)).dueAt;
            await this.timers.schedule(tx, [{ orderId: order.id, kind: TimerKind.SupervisionRecheck, fireAt: recheck, dueAt, level: level + 1 }]);
          }
          return result;
        }
      }
    });
    this.logger.log(`Timer ${job.kind} for order ${job.orderId} (due ${job.dueAt}${job.level ? `, level ${job.level}` : ''}): ${outcome}`);
    return outcome;
  }

  private async supervise(
    tx: Sql,
    order: WorkOrder,
    supervision: Pick<NewSupervision, 'kind' | 'level' | 'unitId' | 'reason'> & { dueAt: Date; now: Date },
  ): Promise<TimerOutcome> {
    const id = await this.repository.insertSupervision(tx, {
      orderId: order.id,
      unitId: supervision.unitId,
      kind: supervision.kind,
      level: supervision.level,
      dueAt: supervision.dueAt,
      reason: supervision.reason,
      createdBy: null,
      createdAt: supervision.now,
    });
    if (!id) return 'already_done';
    await this.repository.appendEvent(tx, {
      orderId: order.id,
      type: 'supervised',
      actorId: null,
      actorRoles: [],
      occurredAt: supervision.now,
      before: null,
      after: null,
      payload: { supervisionId: id, kind: supervision.kind, level: supervision.level, dueAt: supervision.dueAt.toISOString(), reason: supervision.reason },
    });
    await this.repository.notify(tx, {
      orderId: order.id,
      // Level 1 goes to the unit; higher levels go up (unit null: the centre / management body).
      unitId: supervision.level === 1 ? supervision.unitId : null,
      kind: supervision.level === 1 ? 'supervision' : 'escalation',
      message: `工单 ${order.number} ${supervision.reason}`,
      dedupeKey: `supervision:${id}`,
      at: supervision.now,
    });
    return 'acted';
  }

  private async remind(tx: Sql, order: WorkOrder, job: TimerJob, message: string, now: Date): Promise<TimerOutcome> {
    const sent = await this.repository.notify(tx, {
      orderId: order.id,
      unitId: order.leadUnitId,
      kind: 'reminder',
      message: `工单 ${order.number} ${message} (${job.dueAt})`,
      dedupeKey: `reminder:${order.id}:${job.kind}:${job.dueAt}`,
      at: now,
    });
    return sent ? 'acted' : 'already_done';
  }
}
