import { CallerKind, RequestType, SlaDuration, DeadlineWarningDetail } from '@hotline/sla';
import { Channel, ContactPreference, EmergencyLine, WorkOrderStatus } from './work-order.types';

/**
 * The work order aggregate's state, one row of `work_orders`. Commands produce a new state from an old one;
 * the repository writes the difference and the event log keeps both sides.
 */
export interface WorkOrder {
  id: string;
  number: string;
  status: WorkOrderStatus;
  version: number;
  presetCode: string;
  presetVersion: number;
  channel: Channel;
  lineTag: string | null;
  type: RequestType;
  callerKind: CallerKind;
  categoryId: string;
  regionCode: string | null;
  address: string | null;
  subject: string;
  content: string;
  callerPhone: string;
  callerName: string | null;
  contactPreference: ContactPreference;
  confidential: boolean;
  emergencyLinked: boolean;
  intakeBy: string;
  receivedAt: Date;
  leadUnitId: string | null;
  dispatchedAt: Date | null;
  dispatchDueAt: Date | null;
  signDueAt: Date | null;
  signedAt: Date | null;
  firstContactDueAt: Date | null;
  firstContactedAt: Date | null;
  returnDueAt: Date | null;
  handleDueAt: Date | null;
  handlingLimit: SlaDuration | null;
  repliedAt: Date | null;
  closedAt: Date | null;
  archivedAt: Date | null;
  extensionCount: number;
  extendedWorkingDays: number;
  sendBackCount: number;
  reopenCount: number;
  returnCount: number;
  arbitrationEscalated: boolean;
  ratingRound: number;
  currentRating: string | null;
  dispositionReason: string | null;
  dispositionNote: string | null;
  transferredTo: EmergencyLine | null;
  repeatedAfterAnswerOf: string | null;
  deadlineWarnings: DeadlineWarningDetail[];
}

/** Fields that identify the caller: withheld from units on confidential orders, masked for most roles. */
export const CALLER_IDENTITY_FIELDS = ['callerPhone', 'callerName'] as const satisfies readonly (keyof WorkOrder)[];

export interface WorkOrderAssignment {
  orderId: string;
  unitId: string;
  role: 'lead' | 'co';
  assignedAt: Date;
  contribution: string | null;
  contributedAt: Date | null;
}

export interface ExtensionRequest {
  id: string;
  orderId: string;
  unitId: string;
  requestedBy: string;
  requestedAt: Date;
  workingDays: number;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
}

export interface WorkOrderEvent {
  orderId: string;
  sequence: number;
  type: string;
  actorId: string | null;
  actorRoles: string[];
  occurredAt: Date;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  payload: Record<string, unknown>;
}

/** The fields that changed between two states, as JSON-ready before/after halves for the event log. */
export function diffWorkOrders(before: WorkOrder | null, after: WorkOrder): { before: Record<string, unknown> | null; after: Record<string, unknown> } {
  if (!before) return { before: null, after: toJson(after as unknown as Record<string, unknown>) };
  const changedBefore: Record<string, unknown> = {};
  const changedAfter: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof WorkOrder)[]) {
    if (key === 'version') continue;
    const a = JSON.stringify(before[key] ?? null);
    const b = JSON.stringify(after[key] ?? null);
    if (a !== b) {
      changedBefore[key] = before[key] ?? null;
      changedAfter[key] = after[key] ?? null;
    }
  }
  return { before: toJson(changedBefore), after: toJson(changedAfter) };
}

function toJson(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
