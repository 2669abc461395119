/**
 * What the work-order, org and auth endpoints answer, as the web reads it. Pure types; the api's zod
 * schemas (apps/api/src/work-orders/work-order.schemas.ts) are the authority, these mirror them.
 */
export type WorkOrderStatusDto =
  | 'accepted'
  | 'not_accepted'
  | 'transferred'
  | 'dispatched'
  | 'returned'
  | 'in_arbitration'
  | 'handling'
  | 'replied'
  | 'closed'
  | 'follow_up'
  | 'archived';

export type DeadlineStateDto = 'no_deadline' | 'on_time' | 'due_soon' | 'overdue' | 'finished';

export type RequestTypeDto = 'consultation' | 'help' | 'complaint' | 'report' | 'suggestion' | 'praise';

export const REQUEST_TYPE_VALUES: readonly RequestTypeDto[] = ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise'];

export const NOT_ACCEPTED_REASON_VALUES = [
  'UNLAWFUL',
  'OUTSIDE_DUTIES_OR_JURISDICTION',
  'IN_LEGAL_PROCEDURE',
  'SAME_MATTER_WITHIN_DEADLINE',
  'REPEATED_AFTER_CLEAR_ANSWER',
  'SECRETS_OR_PRIVACY',
  'AGAINST_PUBLIC_ORDER_OR_ABUSIVE',
  'UNCLEAR_OR_NO_SUBSTANCE',
  'OTHER',
] as const;

export type NotAcceptedReasonDto = (typeof NOT_ACCEPTED_REASON_VALUES)[number];

export interface WorkOrderViewDto {
  id: string;
  number: string;
  status: WorkOrderStatusDto;
  statusLabel: string;
  version: number;
  channel: string;
  lineTag: string | null;
  type: RequestTypeDto;
  categoryId: string;
  regionCode: string | null;
  address: string | null;
  subject: string;
  content: string;
  caller: { phone: string | null; name: string | null; identityWithheld: boolean; contactPreference: string };
  confidential: boolean;
  receivedAt: string;
  leadUnitId: string | null;
  assignments?: { unitId: string; role: 'lead' | 'co'; contributed: boolean }[];
  deadlines: {
    signDueAt: string | null;
    handleDueAt: string | null;
    state: DeadlineStateDto;
    warnings: { code: string; year: number; message: string }[];
  };
  dispatchedAt: string | null;
  signedAt: string | null;
  repliedAt: string | null;
  closedAt: string | null;
  counters: { extensions: number; extendedWorkingDays: number; sendBacks: number; reopens: number; returns: number };
  nextCommands: string[];
  /**
   * GET /api/work-orders/{id} only, for centre roles (agents, supervisors, quality, reviewers, admins): the calls
   * linked to the order (work_order_calls), oldest link first, each with its recordings. Units never get it.
   */
  calls?: WorkOrderLinkedCallDto[];
}

/** A call linked to a work order. Open it with GET /api/calls/{callId}. */
export interface WorkOrderLinkedCallDto {
  callId: string;
  direction: 'inbound' | 'outbound';
  status: 'ringing' | 'answered' | 'ended';
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  /** The agent who answered it (ACD agent id), if one did. */
  agentId: string | null;
  linkedAt: string;
  recordings: WorkOrderCallRecordingDto[];
}

/** Audio: GET /api/recordings/{id}/audio (quality, supervisors, admins; HTTP range requests). */
export interface WorkOrderCallRecordingDto {
  id: string;
  kind: 'call' | 'message';
  status: 'recording' | 'finalised' | 'missing';
  durationMs: number | null;
}

export interface WorkOrderPageDto {
  items: WorkOrderViewDto[];
  nextCursor: string | null;
}

export interface WorkOrderCommandResultDto {
  workOrder: WorkOrderViewDto;
  eventSequence: number;
  warnings: unknown[];
}

export interface DuplicateCandidateDto {
  id: string;
  number: string;
  status: WorkOrderStatusDto;
  handleDueAt: string | null;
  similarity: number;
}

export interface DuplicateCheckDto {
  openWithinDeadline: DuplicateCandidateDto[];
  openOverdue: DuplicateCandidateDto[];
  answered: DuplicateCandidateDto[];
}

export interface UnitDto {
  id: string;
  code: string;
  name: string;
  kind: string;
  parentId: string | null;
  regionCode: string | null;
  active: boolean;
  children: UnitDto[];
}

export interface CategoryDto {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
}

export interface UserDto {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  unitId: string;
  active: boolean;
}

export interface LoginResultDto {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: { id: string; username: string; displayName: string; roles: string[]; unitId: string };
}

/** GET /api/sla/calendar: the admin's working-day overrides (调休) and the years declared fully entered. */
export interface CalendarOverridesDto {
  overrides: { date: string; workday: boolean; note: string }[];
  officialYears: number[];
}

export interface SlaPresetListDto {
  active: { code: string; version: number };
  presets: { code: string; version: number; name?: string; [key: string]: unknown }[];
}
