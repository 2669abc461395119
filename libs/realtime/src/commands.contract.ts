/**
 * Outbound call commands (survey calls) over Redis Streams, typed once here for both sides (architecture.md "Contracts").
 * Streams rather than pub/sub: a command issued while call-control restarts waits in the stream for its
 * consumer group instead of being lost. Every command carries id, version and time so the receiver drops
 * duplicates, and the receiver validates it as untrusted input (parseOutboundCallCommand).
 *
 * Survey calls: the survey worker (api) XADDs `survey.call` to callControlCommandStream(prefix); call-control
 * reads it with XREADGROUP (group `call-control`), originates through the carrier trunk with the hotline's
 * caller id, plays the Mandarin prompt naming the subject, collects one DTMF digit from `options`, and
 * XADDs exactly one SurveyCallResult per command to surveyCallResultStream(prefix) (group `surveys`).
 */
export const OUTBOUND_CALL_COMMAND_VERSION = 1 as const;

/** One rating option as the prompt reads it: "满意请按2". */
export interface SurveyRatingOption {
  digit: string;
  level: string;
  label: string;
}

export interface SurveyCallPayload {
  surveyId: string;
  attemptId: string;
  orderNumber: string;
  /** The citizen's number, dialled through the carrier trunk. */
  destination: string;
  /** The hotline's number, shown to the citizen (e.g. 12345). */
  callerId: string;
  /** The order's subject, spoken in the prompt so the citizen knows which matter is meant. */
  subject: string;
  options: SurveyRatingOption[];
  /** Re-prompt this many times on no input or an invalid key, then end as `no_input`. */
  maxPrompts: number;
  noInputSeconds: number;
  ringSeconds: number;
  /** Offer to record a short spoken comment after the rating. */
  recordComment: boolean;
}

/** A plain outbound call (e.g. a supervisor's click-to-call); call-control owns its handling. */
export interface CallOriginatePayload {
  destination: string;
  callerId: string;
  /** Who or what asked for the call, for the call record. */
  requestedBy: string;
  ringSeconds: number;
}

export interface OutboundCallCommandPayloads {
  'survey.call': SurveyCallPayload;
  'call.originate': CallOriginatePayload;
}

export type OutboundCallCommandType = keyof OutboundCallCommandPayloads;

export const OUTBOUND_CALL_COMMAND_TYPES: readonly OutboundCallCommandType[] = ['survey.call', 'call.originate'];

export interface OutboundCallCommand<T extends OutboundCallCommandType = OutboundCallCommandType> {
  id: string;
  type: T;
  version: typeof OUTBOUND_CALL_COMMAND_VERSION;
  issuedAt: string;
  payload: OutboundCallCommandPayloads[T];
}

/** How a survey call ended: `rated` carries the digit pressed. */
export type SurveyCallOutcome = 'rated' | 'no_answer' | 'busy' | 'failed' | 'hung_up' | 'no_input';

export const SURVEY_CALL_OUTCOMES: readonly SurveyCallOutcome[] = ['rated', 'no_answer', 'busy', 'failed', 'hung_up', 'no_input'];

export interface SurveyCallResult {
  /** The `survey.call` command this answers. */
  commandId: string;
  surveyId: string;
  attemptId: string;
  outcome: SurveyCallOutcome;
  digit: string | null;
  /** A recorded spoken comment, when offered and given. */
  commentRecordingRef: string | null;
  endedAt: string;
}

/** The stream call-control consumes commands from. */
export function callControlCommandStream(prefix: string): string {
  return `${prefix}:outbound-calls`;
}

/** The stream the survey worker consumes survey call results from. */
export function surveyCallResultStream(prefix: string): string {
  return `${prefix}:results:survey-calls`;
}

/** The one field of each stream entry, holding the JSON. */
export const COMMAND_STREAM_FIELD = 'json';

export class InvalidOutboundCallCommandError extends Error {
  constructor(reason: string) {
    super(`Invalid hotline command: ${reason}`);
    this.name = 'InvalidOutboundCallCommandError';
  }
}

export function parseOutboundCallCommand(raw: string): OutboundCallCommand {
  const value = parseObject(raw, InvalidOutboundCallCommandError);
  const command = value as Partial<OutboundCallCommand>;
  if (typeof command.id !== 'string' || command.id.length === 0) throw new InvalidOutboundCallCommandError('missing id');
  if (!OUTBOUND_CALL_COMMAND_TYPES.includes(command.type as never)) throw new InvalidOutboundCallCommandError(`unknown type ${String(command.type)}`);
  if (command.version !== OUTBOUND_CALL_COMMAND_VERSION) throw new InvalidOutboundCallCommandError(`unsupported version ${String(command.version)}`);
  if (typeof command.issuedAt !== 'string' || Number.isNaN(Date.parse(command.issuedAt))) throw new InvalidOutboundCallCommandError('missing issuedAt');
  const payload = command.payload as unknown as Record<string, unknown> | undefined;
  if (typeof payload !== 'object' || payload === null) throw new InvalidOutboundCallCommandError('missing payload');
  if (typeof payload.destination !== 'string' || !/^\+?\d{3,20}$/.test(payload.destination)) throw new InvalidOutboundCallCommandError('bad destination');
  if (command.type === 'survey.call') {
    if (typeof payload.surveyId !== 'string' || typeof payload.attemptId !== 'string') throw new InvalidOutboundCallCommandError('missing survey ids');
    const options = payload.options;
    if (!Array.isArray(options) || options.length < 2 || !options.every((o) => typeof o?.digit === 'string' && /^[0-9]$/.test(o.digit))) {
      throw new InvalidOutboundCallCommandError('bad options');
    }
  }
  return command as OutboundCallCommand;
}

export class InvalidSurveyCallResultError extends Error {
  constructor(reason: string) {
    super(`Invalid survey call result: ${reason}`);
    this.name = 'InvalidSurveyCallResultError';
  }
}

export function parseSurveyCallResult(raw: string): SurveyCallResult {
  const result = parseObject(raw, InvalidSurveyCallResultError) as Partial<SurveyCallResult>;
  for (const field of ['commandId', 'surveyId', 'attemptId', 'endedAt'] as const) {
    if (typeof result[field] !== 'string' || result[field]!.length === 0) throw new InvalidSurveyCallResultError(`missing ${field}`);
  }
  if (!SURVEY_CALL_OUTCOMES.includes(result.outcome as SurveyCallOutcome)) throw new InvalidSurveyCallResultError(`unknown outcome ${String(result.outcome)}`);
  if (result.outcome === 'rated' && (typeof result.digit !== 'string' || !/^[0-9]$/.test(result.digit))) {
    throw new InvalidSurveyCallResultError('a rated call carries the digit');
  }
  return { ...result, digit: result.digit ?? null, commentRecordingRef: result.commentRecordingRef ?? null } as SurveyCallResult;
}

function parseObject(raw: string, ErrorType: new (reason: string) => Error): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ErrorType('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ErrorType('not an object');
  return value as Record<string, unknown>;
}
