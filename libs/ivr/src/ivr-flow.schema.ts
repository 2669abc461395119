import { z } from 'zod';

/**
 * An IVR flow as data: a graph of nodes the call-control interpreter walks. Versioned and stored in
 * Postgres; every document is checked by this schema (shape) and by validateIvrFlow (graph) before it
 * can be saved, and a refused one comes back with the path of each error.
 */
const nodeId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'node ids are [a-z0-9-], at most 64 characters');
const skillCode = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'skill codes are [a-z0-9_-]');
const dtmfKey = z.string().regex(/^[0-9*#]$/, 'a key is one of 0-9, * or #');
const soundName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}(\/[a-z0-9][a-z0-9-]{0,63})?$/, 'a sound is a prompt name such as menu-main or uploaded/notice-1');

/** A recorded or uploaded prompt (sounds/zh/hotline/<sound>), or Mandarin text spoken by espeak-ng (cached by hash). */
export const promptRefSchema = z.union([
  z.object({ sound: soundName }).strict(),
  z.object({ tts: z.string().trim().min(1, 'text to speak is empty').max(300, 'at most 300 characters per TTS prompt') }).strict(),
]);
const prompt = z.union([promptRefSchema, z.array(promptRefSchema).min(1).max(10)]);

const time = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time is HH:MM (China time)');

export const conditionCheckSchema = z.discriminatedUnion('kind', [
  /** Open between open and close (Asia/Shanghai); `days` working-days follows the official calendar (holidays, 调休). */
  z
    .object({
      kind: z.literal('business-hours'),
      open: time,
      close: time,
      days: z.union([z.literal('working-days'), z.literal('every-day'), z.array(z.number().int().min(1).max(7)).min(1).max(7)]).default('working-days'),
    })
    .strict(),
  /** Today is an official public holiday or rest day (non-working day by the official calendar). */
  z.object({ kind: z.literal('holiday') }).strict(),
  /** The caller's number is on a list kept by the centre (适老化: elderly go to a priority queue). */
  z.object({ kind: z.literal('caller-list'), list: z.enum(['elderly', 'vip', 'blocked']) }).strict(),
  /** The caller called at least `minCalls` times (this call included) within `withinHours`. */
  z.object({ kind: z.literal('repeat-caller'), withinHours: z.number().int().min(1).max(720).default(24), minCalls: z.number().int().min(2).max(100).default(2) }).strict(),
  z.object({ kind: z.literal('tag'), key: z.string().min(1).max(40), equals: z.string().max(100) }).strict(),
  /** The number dialled (DNIS) is one of these. */
  z.object({ kind: z.literal('line'), in: z.array(z.string().regex(/^[0-9]{3,8}$/)).min(1) }).strict(),
]);

const playNode = z.object({ type: z.literal('play'), prompt, next: nodeId, bargeIn: z.boolean().default(false) }).strict();

const menuNode = z
  .object({
    type: z.literal('menu'),
    prompt,
    /** key → node. */
    options: z.record(dtmfKey, nodeId).refine((options) => Object.keys(options).length > 0, 'a menu needs at least one option'),
    /** How long to wait for a key after the prompt. */
    timeoutMs: z.number().int().min(1_000).max(30_000).default(5_000),
    /** Where a caller who presses nothing goes at once (the "stay on the line for an agent" path, GB/T 33358). */
    noInput: nodeId.optional(),
    /** Prompt after a wrong key (or silence without noInput) before the menu repeats. */
    invalidPrompt: prompt.optional(),
    maxAttempts: z.number().int().min(1).max(5).default(3),
    /** After maxAttempts wrong keys or silences. */
    onFailure: nodeId,
  })
  .strict();

const collectNode = z
  .object({
    type: z.literal('collect'),
    prompt,
    variable: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'variables are identifiers'),
    minDigits: z.number().int().min(1).max(30).default(1),
    maxDigits: z.number().int().min(1).max(30),
    /** The key that ends input early (not stored). */
    terminator: z.enum(['#', '*']).optional(),
    timeoutMs: z.number().int().min(1_000).max(30_000).default(8_000),
    interDigitTimeoutMs: z.number().int().min(500).max(15_000).default(4_000),
    invalidPrompt: prompt.optional(),
    maxAttempts: z.number().int().min(1).max(5).default(3),
    next: nodeId,
    onFailure: nodeId,
  })
  .strict()
  .refine((node) => node.minDigits <= node.maxDigits, { message: 'minDigits must not exceed maxDigits', path: ['minDigits'] });

const conditionNode = z.object({ type: z.literal('condition'), check: conditionCheckSchema, then: nodeId, else: nodeId }).strict();

const setTagNode = z
  .object({ type: z.literal('set-tag'), key: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/), value: z.string().min(1).max(100), next: nodeId })
  .strict();

/** Hands the call to the ACD. Without `skill`, the line's skill (DNIS); `priority` adds to the caller's own. */
const queueNode = z.object({ type: z.literal('queue'), skill: skillCode.optional(), priority: z.number().int().min(0).max(100).default(0), prompt: prompt.optional() }).strict();

/** To an external number on the centre's allow-list (checked when publishing and again when dialling). */
const transferNode = z.object({ type: z.literal('transfer'), number: z.string().regex(/^[0-9]{3,20}$/, 'a number is 3 to 20 digits'), prompt: prompt.optional() }).strict();

/** Records what the caller says (ARI channel recording) and files it for a draft work order. */
const leaveMessageNode = z
  .object({ type: z.literal('leave-message'), prompt, maxSeconds: z.number().int().min(5).max(300).default(120), beep: z.boolean().default(true), next: nodeId })
  .strict();

/** Speaks the status of the order whose number is in `variable` (the caller's number must match the order's). */
const progressLookupNode = z.object({ type: z.literal('progress-lookup'), variable: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/), next: nodeId, notFound: nodeId }).strict();

const hangupNode = z.object({ type: z.literal('hangup'), prompt: prompt.optional() }).strict();

export const ivrNodeSchema = z.discriminatedUnion('type', [
  playNode,
  menuNode,
  collectNode,
  conditionNode,
  setTagNode,
  queueNode,
  transferNode,
  leaveMessageNode,
  progressLookupNode,
  hangupNode,
]);

export const ivrFlowDocumentSchema = z
  .object({
    description: z.string().max(500).optional(),
    start: nodeId,
    nodes: z.record(nodeId, ivrNodeSchema).refine((nodes) => Object.keys(nodes).length <= 200, 'at most 200 nodes'),
  })
  .strict();

export type PromptRef = z.output<typeof promptRefSchema>;
export type PromptSpec = PromptRef | PromptRef[];
export type ConditionCheck = z.output<typeof conditionCheckSchema>;
export type IvrNode = z.output<typeof ivrNodeSchema>;
export type IvrNodeType = IvrNode['type'];
export type IvrFlowDocument = z.output<typeof ivrFlowDocumentSchema>;
export type IvrNodeOf<T extends IvrNodeType> = Extract<IvrNode, { type: T }>;
