import { z } from 'zod';

/**
 * Commands other apps send to call-control (agent state, recording pause, configuration reloads, callbacks).
 * One typed interface over Redis: the api publishes, call-control validates (untrusted input) and answers
 * on the result channel. Browsers never reach AMI or ARI; they reach the api, which sends these.
 */
export const HOTLINE_COMMAND_VERSION = 1 as const;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');
const agentId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be an agent code [a-z0-9_-]');
const actor = z.string().min(1).max(100);

export const hotlineCommandPayloadSchemas = {
  /** Pause the call's recording (e.g. the caller reads out a bank card number); the reason goes in the timeline. */
  'recording.pause': z.object({ callId: uuid, reason: z.string().trim().min(1).max(200), requestedBy: actor }).strict(),
  'recording.resume': z.object({ callId: uuid, reason: z.string().trim().min(1).max(200), requestedBy: actor }).strict(),
  /** An agent starts work at a seat (a PJSIP endpoint provisioned from agent_seats). */
  'agent.login': z.object({ agentId, seat: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/), requestedBy: actor }).strict(),
  'agent.logout': z.object({ agentId, requestedBy: actor }).strict(),
  'agent.set-state': z
    .object({ agentId, state: z.enum(['ready', 'not_ready']), reason: z.string().trim().min(1).max(100).optional(), requestedBy: actor })
    .strict(),
  /** Re-read configuration that lives in Postgres: published IVR flows, lines (DNIS), seats, queues, caller lists. */
  'config.reload': z.object({ what: z.enum(['ivr-flows', 'lines', 'seats', 'queues', 'caller-lists']), requestedBy: actor }).strict(),
  /** Queue a callback to a citizen on a skill; it keeps the place given by `rankAt` (default: now). */
  'callback.request': z
    .object({
      number: z.string().regex(/^[0-9]{3,20}$/, 'must be 3 to 20 digits'),
      skill: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
      requestedBy: actor,
      callId: uuid.optional(),
    })
    .strict(),
  /**
   * 转满意度评价: the agent hands the caller to the satisfaction prompt at the end of the call; the agent leaves
   * to wrap-up and the caller rates the service by key. `agentId`: an agent may do this on their own call only.
   */
  'call.rate-service': z.object({ callId: uuid, agentId: agentId.optional(), requestedBy: actor }).strict(),
  'queue.stats': z.object({ skill: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/), requestedBy: actor }).strict(),
  /**
   * Supervision (issue 7): a supervisor listens, whispers to the agent, barges in or takes over a call from
   * their own seat phone (dialled once; switching modes swaps snoop/bridge membership). The api checks role,
   * scope and seat before sending; call-control checks the call is in talk.
   */
  'supervision.monitor': z
    .object({ callId: uuid, mode: z.enum(['listen', 'whisper', 'barge', 'take_over']), supervisorUserId: uuid, seat: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/), requestedBy: actor })
    .strict(),
  /** The supervisor leaves the call (their leg is hung up; after a take-over that ends the call). */
  'supervision.stop': z.object({ callId: uuid, supervisorUserId: uuid, requestedBy: actor }).strict(),
  /** 强拆: the supervisor ends the call (citizen and agent are hung up). */
  'supervision.release': z.object({ callId: uuid, supervisorUserId: uuid, requestedBy: actor }).strict(),
  /** A supervisor forces an agent's state (ready, not ready with a reason, or logged out). */
  'supervision.agent-state': z
    .object({ agentId, state: z.enum(['ready', 'not_ready', 'logged_out']), reason: z.string().trim().min(1).max(100).optional(), supervisorUserId: uuid, requestedBy: actor })
    .strict(),
  /**
   * An agent's transfer of a connected call (issue 7). Only an allow-list entry id crosses: call-control
   * reads the number from Postgres, so nothing typed in a browser reaches a dial string. `agentId` set: the
   * call must be that agent's (an agent acting on their own call); absent: a supervisor.
   */
  'transfer.start': z
    .object({ callId: uuid, destinationId: uuid, mode: z.enum(['warm', 'blind']), hold: z.boolean().default(true), agentId: agentId.optional(), requestedBy: actor })
    .strict(),
  'transfer.complete': z.object({ callId: uuid, transferId: uuid, agentId: agentId.optional(), requestedBy: actor }).strict(),
  'transfer.conference': z.object({ callId: uuid, transferId: uuid, agentId: agentId.optional(), requestedBy: actor }).strict(),
  'transfer.cancel': z.object({ callId: uuid, transferId: uuid, agentId: agentId.optional(), requestedBy: actor }).strict(),
} as const;

export type HotlineCommandType = keyof typeof hotlineCommandPayloadSchemas;
export type HotlineCommandPayloads = { [K in HotlineCommandType]: z.output<(typeof hotlineCommandPayloadSchemas)[K]> };

export const HOTLINE_COMMAND_TYPES = Object.keys(hotlineCommandPayloadSchemas) as HotlineCommandType[];

export interface HotlineCommand<T extends HotlineCommandType = HotlineCommandType> {
  id: string;
  type: T;
  version: typeof HOTLINE_COMMAND_VERSION;
  issuedAt: string;
  payload: HotlineCommandPayloads[T];
}

export interface HotlineCommandFailure {
  /** A domain error code (e.g. CALL_NOT_ACTIVE, AGENT_NOT_FOUND) or INVALID_COMMAND. */
  code: string;
  message: string;
  /** The DomainErrorKind of the refusal, so the api can answer with the matching HTTP status. */
  kind: 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable';
}

export type HotlineCommandResult =
  | { commandId: string; ok: true; result: Record<string, unknown> }
  | { commandId: string; ok: false; error: HotlineCommandFailure };

export function hotlineCommandChannel(prefix: string): string {
  return `${prefix}:commands`;
}

export function hotlineCommandResultChannel(prefix: string): string {
  return `${prefix}:command-results`;
}
