import { Actor } from '@hotline/org';
import { DeadlineWarningDetail } from '@hotline/sla';
import { applyPhoneVisibility, CallerVisibility, maskPhone } from './caller-privacy';
import { commandsFrom, WorkOrderCommand } from './work-order-state-machine';
import { CALLER_IDENTITY_FIELDS, WorkOrder, WorkOrderAssignment, WorkOrderEvent } from './work-order.entity';
import { ACTIVE_STATUSES, STATUS_LABELS, WorkOrderStatus } from './work-order.types';
import type { WorkOrderLinkedCallDto } from '@hotline/contracts';

export type DeadlineState = 'no_deadline' | 'on_time' | 'due_soon' | 'overdue' | 'finished';

/** Due within this many hours counts as "due soon". */
export const DUE_SOON_HOURS = 24;

export function deadlineState(order: Pick<WorkOrder, 'status' | 'handleDueAt'>, now: Date): DeadlineState {
  if (!ACTIVE_STATUSES.has(order.status)) return order.handleDueAt ? 'finished' : 'no_deadline';
  if (!order.handleDueAt) return 'no_deadline';
  const left = order.handleDueAt.getTime() - now.getTime();
  if (left <= 0) return 'overdue';
  return left <= DUE_SOON_HOURS * 3600_000 ? 'due_soon' : 'on_time';
}

export interface WorkOrderView {
  id: string;
  number: string;
  status: WorkOrderStatus;
  statusLabel: string;
  version: number;
  preset: { code: string; version: number };
  channel: string;
  lineTag: string | null;
  type: string;
  callerKind: string;
  categoryId: string;
  regionCode: string | null;
  address: string | null;
  subject: string;
  content: string;
  caller: { phone: string | null; name: string | null; identityWithheld: boolean; contactPreference: string };
  confidential: boolean;
  emergencyLinked: boolean;
  receivedAt: string;
  leadUnitId: string | null;
  assignments?: { unitId: string; role: string; contributed: boolean }[];
  deadlines: {
    dispatchDueAt: string | null;
    signDueAt: string | null;
    firstContactDueAt: string | null;
    returnDueAt: string | null;
    handleDueAt: string | null;
    state: DeadlineState;
    warnings: DeadlineWarningDetail[];
  };
  dispatchedAt: string | null;
  signedAt: string | null;
  repliedAt: string | null;
  closedAt: string | null;
  archivedAt: string | null;
  counters: { extensions: number; extendedWorkingDays: number; sendBacks: number; reopens: number; returns: number };
  rating: { round: number; current: string | null };
  disposition: { reason: string | null; note: string | null; transferredTo: string | null };
  repeatedAfterAnswerOf: string | null;
  nextCommands: WorkOrderCommand[];
  /** Detail for centre roles only: the linked calls with their recordings (libs/contracts WorkOrderLinkedCallDto). */
  calls?: LinkedCallView[];
}

/** A linked call as the order's detail shows it: the desk's contract (libs/contracts), one definition. */
export type LinkedCallView = WorkOrderLinkedCallDto;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function toWorkOrderView(
  order: WorkOrder,
  visibility: CallerVisibility,
  now: Date,
  assignments?: WorkOrderAssignment[],
): WorkOrderView {
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    statusLabel: STATUS_LABELS[order.status],
    version: order.version,
    preset: { code: order.presetCode, version: order.presetVersion },
    channel: order.channel,
    lineTag: order.lineTag,
    type: order.type,
    callerKind: order.callerKind,
    categoryId: order.categoryId,
    regionCode: order.regionCode,
    address: order.address,
    subject: order.subject,
    content: order.content,
    caller: {
      phone: applyPhoneVisibility(order.callerPhone, visibility.phone),
      name: visibility.name === 'full' ? order.callerName : null,
      identityWithheld: visibility.phone === 'withheld',
      contactPreference: order.contactPreference,
    },
    confidential: order.confidential,
    emergencyLinked: order.emergencyLinked,
    receivedAt: order.receivedAt.toISOString(),
    leadUnitId: order.leadUnitId,
    assignments: assignments?.map((a) => ({ unitId: a.unitId, role: a.role, contributed: a.contribution !== null })),
    deadlines: {
      dispatchDueAt: iso(order.dispatchDueAt),
      signDueAt: iso(order.signDueAt),
      firstContactDueAt: iso(order.firstContactDueAt),
      returnDueAt: iso(order.returnDueAt),
      handleDueAt: iso(order.handleDueAt),
      state: deadlineState(order, now),
      warnings: order.deadlineWarnings,
    },
    dispatchedAt: iso(order.dispatchedAt),
    signedAt: iso(order.signedAt),
    repliedAt: iso(order.repliedAt),
    closedAt: iso(order.closedAt),
    archivedAt: iso(order.archivedAt),
    counters: {
      extensions: order.extensionCount,
      extendedWorkingDays: order.extendedWorkingDays,
      sendBacks: order.sendBackCount,
      reopens: order.reopenCount,
      returns: order.returnCount,
    },
    rating: { round: order.ratingRound, current: order.currentRating },
    disposition: { reason: order.dispositionReason, note: order.dispositionNote, transferredTo: order.transferredTo },
    repeatedAfterAnswerOf: order.repeatedAfterAnswerOf,
    nextCommands: commandsFrom(order.status),
  };
}

/** Events carry the intake snapshot: the caller's identity in them follows the same visibility as the order. */
export function redactEvent(event: WorkOrderEvent, visibility: CallerVisibility, _actor: Actor): WorkOrderEvent {
  const redact = (half: Record<string, unknown> | null) => {
    if (!half) return half;
    const copy = { ...half };
    for (const field of CALLER_IDENTITY_FIELDS) {
      if (!(field in copy) || copy[field] === null) continue;
      if (field === 'callerPhone') copy[field] = applyPhoneVisibility(String(copy[field]), visibility.phone);
      else if (visibility.name === 'withheld') copy[field] = null;
    }
    return copy;
  };
  return { ...event, before: redact(event.before), after: redact(event.after) };
}

export { maskPhone };
