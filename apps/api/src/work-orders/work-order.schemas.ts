import { z } from 'zod';
import { CallerKind, RatingLevel, RequestType } from '@hotline/sla';
import {
  Channel,
  ContactPreference,
  EmergencyLine,
  FollowUpCause,
  NotAcceptedReason,
  SurveyChannel,
  WorkOrderStatus,
} from '@hotline/work-orders';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const uuid = z.uuid('must be a UUID');
const phone = z.string().regex(/^\+?[0-9-]{5,20}$/, 'must be a phone number (digits, optional + and -)');
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' }).transform((value) => new Date(value));

/** Every command carries the version the client last read (optimistic locking → 409 STALE_VERSION). */
const versioned = { version: z.number().int('must be an integer').positive('must be positive') };

export const intakeSchema = z.strictObject({
  channel: z.enum(Channel),
  lineTag: z.string().regex(/^\d{3,8}$/, 'must be a 3 to 8 digit hotline number such as 12315').nullish(),
  type: z.enum(RequestType),
  callerKind: z.enum(CallerKind).default(CallerKind.Citizen),
  categoryId: uuid,
  regionCode: z.string().regex(/^\d{6}$/, 'must be a 6-digit GB/T 2260 code').nullish(),
  address: text(300).nullish(),
  subject: text(200),
  content: text(10_000),
  caller: z.strictObject({
    phone,
    name: text(50).nullish(),
    contactPreference: z.enum(ContactPreference).default(ContactPreference.Phone),
  }),
  confidential: z.boolean().default(false),
  emergencyLinked: z.boolean().default(false),
  callIds: z.array(uuid).max(20).default([]),
  draftId: uuid.nullish().describe('The draft call-control opened when the agent answered (screen pop draftId): its call is linked to the new order'),
  disposition: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('dispatch') }),
      z.strictObject({ kind: z.literal('resolve_on_spot'), answer: text(5000) }),
      z.strictObject({ kind: z.literal('not_accepted'), reason: z.enum(NotAcceptedReason), explanation: text(2000) }),
      z.strictObject({ kind: z.literal('transfer_emergency'), line: z.enum(EmergencyLine) }),
    ])
    .default({ kind: 'dispatch' }),
  duplicateOverride: z.strictObject({ reason: text(500) }).nullish(),
});

export const duplicateCheckSchema = z.strictObject({ callerPhone: phone, subject: text(200), content: text(10_000) });

const units = { leadUnitId: uuid, coUnitIds: z.array(uuid).max(10).default([]) };

export const versionOnlySchema = z.strictObject(versioned);
export const declineSchema = z.strictObject({ ...versioned, reason: z.enum(NotAcceptedReason), explanation: text(2000) });
export const dispatchSchema = z.strictObject({ ...versioned, ...units, note: text(1000).nullish() });
export const noteSchema = z.strictObject({ ...versioned, note: text(2000) });
export const reasonSchema = z.strictObject({ ...versioned, reason: text(2000) });
export const decideReturnSchema = z.discriminatedUnion('decision', [
  z.strictObject({ ...versioned, decision: z.literal('redispatch'), ...units, note: text(1000) }),
  z.strictObject({ ...versioned, decision: z.literal('overrule'), note: text(1000) }),
]);
export const arbitrateSchema = z.discriminatedUnion('decision', [
  z.strictObject({ ...versioned, decision: z.literal('reassign'), ...units, note: text(1000) }),
  z.strictObject({ ...versioned, decision: z.literal('uphold'), note: text(1000) }),
  z.strictObject({ ...versioned, decision: z.literal('escalate'), note: text(1000) }),
]);
export const extensionRequestSchema = z.strictObject({
  ...versioned,
  workingDays: z.number().int('must be an integer').min(1, 'must be at least 1').max(60, 'must be at most 60'),
  reason: text(2000),
});
export const extensionDecisionSchema = z.discriminatedUnion('approve', [
  z.strictObject({ ...versioned, approve: z.literal(true), callerNotice: text(1000), note: text(1000).nullish() }),
  z.strictObject({ ...versioned, approve: z.literal(false), note: text(1000) }),
]);
export const contributeSchema = z.strictObject({ ...versioned, contribution: text(5000) });
export const replySchema = z.strictObject({
  ...versioned,
  basis: text(2000),
  finding: text(5000),
  callerAnswer: text(2000),
  callerAnsweredAt: instant,
  finishedAt: instant.nullish(),
});
export const reviewSchema = z.discriminatedUnion('decision', [
  z.strictObject({ ...versioned, decision: z.literal('accept'), note: text(1000).nullish() }),
  z.strictObject({ ...versioned, decision: z.literal('send_back'), reason: text(2000) }),
]);
export const rateSchema = z.strictObject({
  ...versioned,
  handlingLevel: z.enum(RatingLevel),
  intakeLevel: z.enum(RatingLevel).nullish(),
  surveyChannel: z.enum(SurveyChannel),
  comment: text(2000).nullish(),
});
export const concludeFollowUpSchema = z.strictObject({ ...versioned, cause: z.enum(FollowUpCause), notes: text(2000) });
export const linkCallSchema = z.strictObject({ ...versioned, callId: uuid, recordingRef: text(500).nullish() });

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value), z.array(item));

export const listQuerySchema = z.strictObject({
  status: csv(z.enum(WorkOrderStatus)).optional(),
  unitId: uuid.optional(),
  type: z.enum(RequestType).optional(),
  categoryId: uuid.optional(),
  regionCode: z.string().regex(/^(\d{2}|\d{4}|\d{6})$/, 'must be 2, 4 or 6 digits of a GB/T 2260 code').optional(),
  deadlineState: z.enum(['on_time', 'due_soon', 'overdue']).optional(),
  receivedFrom: instant.optional(),
  receivedTo: instant.optional(),
  q: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
  callerNumber: phone.optional().describe("The caller's previous orders: orders whose caller phone is exactly this (units never find confidential ones)"),
  limit: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(100, 'must be at most 100').default(50),
  cursor: z.string().max(200).optional(),
});

export const exportQuerySchema = listQuerySchema.omit({ limit: true, cursor: true });

export const progressQuerySchema = z.strictObject({
  number: z.string().regex(/^\d{13}$/, 'must be the 13-digit work order number'),
  phoneLast4: z.string().regex(/^\d{4}$/, 'must be the last 4 digits of the phone number'),
});

export const referenceParamSchema = z.string().regex(/^(\d{13}|[0-9a-fA-F-]{36})$/, 'must be a work order id or its 13-digit number');

/** For the OpenAPI document: the shape of a work order as the api returns it. */
export const workOrderViewSchema = z.object({
  id: z.uuid(),
  number: z.string().describe('13 digits: China-time intake date + daily sequence, e.g. 2026112300001'),
  status: z.enum(WorkOrderStatus),
  statusLabel: z.string(),
  version: z.number().int().describe('Send it back with the next command'),
  preset: z.object({ code: z.string(), version: z.number().int() }),
  channel: z.enum(Channel),
  lineTag: z.string().nullable(),
  type: z.enum(RequestType),
  callerKind: z.enum(CallerKind),
  categoryId: z.uuid(),
  regionCode: z.string().nullable(),
  address: z.string().nullable(),
  subject: z.string(),
  content: z.string(),
  caller: z.object({
    phone: z.string().nullable().describe('Full, masked (138****1234) or null (withheld) by role'),
    name: z.string().nullable(),
    identityWithheld: z.boolean(),
    contactPreference: z.enum(ContactPreference),
  }),
  confidential: z.boolean(),
  emergencyLinked: z.boolean(),
  receivedAt: z.string(),
  leadUnitId: z.uuid().nullable(),
  assignments: z.array(z.object({ unitId: z.uuid(), role: z.enum(['lead', 'co']), contributed: z.boolean() })).optional(),
  deadlines: z.object({
    dispatchDueAt: z.string().nullable(),
    signDueAt: z.string().nullable(),
    firstContactDueAt: z.string().nullable(),
    returnDueAt: z.string().nullable(),
    handleDueAt: z.string().nullable(),
    state: z.enum(['no_deadline', 'on_time', 'due_soon', 'overdue', 'finished']),
    warnings: z.array(z.object({ code: z.string(), year: z.number().int(), message: z.string() })),
  }),
  dispatchedAt: z.string().nullable(),
  signedAt: z.string().nullable(),
  repliedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  archivedAt: z.string().nullable(),
  counters: z.object({ extensions: z.number(), extendedWorkingDays: z.number(), sendBacks: z.number(), reopens: z.number(), returns: z.number() }),
  rating: z.object({ round: z.number(), current: z.string().nullable() }),
  disposition: z.object({ reason: z.string().nullable(), note: z.string().nullable(), transferredTo: z.string().nullable() }),
  repeatedAfterAnswerOf: z.uuid().nullable(),
  nextCommands: z.array(z.string()),
  calls: z
    .array(
      z.object({
        callId: z.uuid(),
        direction: z.enum(['inbound', 'outbound']),
        status: z.enum(['ringing', 'answered', 'ended']),
        startedAt: z.string(),
        answeredAt: z.string().nullable(),
        endedAt: z.string().nullable(),
        durationMs: z.number().nullable(),
        agentId: z.string().nullable(),
        linkedAt: z.string(),
        recordings: z.array(z.object({ id: z.uuid(), kind: z.enum(['call', 'message']), status: z.enum(['recording', 'finalised', 'missing']), durationMs: z.number().nullable() })),
      }),
    )
    .optional()
    .describe('Detail only, centre roles only: the linked calls (GET /api/calls/{callId}) with their recordings (GET /api/recordings/{id}/audio)'),
});

export const workOrderPageSchema = z.object({ items: z.array(workOrderViewSchema), nextCursor: z.string().nullable() });
export const errorSchema = z.object({
  statusCode: z.number(),
  error: z.string(),
  code: z.string().describe('e.g. ILLEGAL_TRANSITION, STALE_VERSION, RETURN_WINDOW_CLOSED, VALIDATION_FAILED'),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  issues: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })).optional(),
});
