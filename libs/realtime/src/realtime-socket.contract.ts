/**
 * The socket.io contract between the api's realtime gateway and the browser. Pure types and string
 * helpers (no Node imports): the web app reads it through `@hotline/contracts` as types only.
 */
import type { SystemAlarmView } from './system-alarm.contract';
import type { HotlineEvent } from './hotline-event.contract';

/** Served under the api prefix, so the same proxy rule that forwards /api also forwards the socket. */
export const REALTIME_SOCKET_PATH = '/api/socket.io';

/** Why a handshake was refused; sent as `connect_error` message so the client can tell "log in again" from "retry". */
export type RealtimeRefusal = 'TOKEN_MISSING' | 'TOKEN_INVALID';

/** What a caller's number looks like to this connection: full for the roles that talk to callers, masked otherwise. */
export type CallerNumberVisibility = 'full' | 'masked';

export interface RealtimeUser {
  id: string;
  username: string;
  roles: string[];
  unitId: string | null;
}

export interface LiveCallSnapshot {
  callId: string;
  channelId: string;
  callerNumber: string | null;
  dialedNumber: string;
  status: 'ringing' | 'answered';
  startedAt: string;
  answeredAt: string | null;
}

/** Today's call counters (China time day), from the call record. */
export interface CallCountsSnapshot {
  day: string;
  started: number;
  answered: number;
  /** Ended without being answered. */
  abandoned: number;
  ended: number;
}

/** A handling unit's inbox at a glance; counts only, never order content. */
export interface UnitInboxSnapshot {
  unitId: string;
  toSign: number;
  handling: number;
  dueSoon: number;
  overdue: number;
}

/**
 * Queue and agent state from the ACD (issue 5). `null` until call-control publishes agent/queue events:
 * the wallboard then shows "ACD not connected" instead of made-up zeros.
 */
export interface AcdSnapshot {
  queues: QueueStatsView[];
  agents: AgentStateView[];
}

export interface QueueStatsView {
  /** The ACD skill (one queue per skill). */
  queue: string;
  waiting: number;
  staffed: number;
  ready: number;
  answered: number;
  abandoned: number;
  /** Answered within 15 s / (answered + abandoned), today; null before any call. */
  serviceLevel: number | null;
  handleTimeSeconds: number;
  /** Longest current wait at `updatedAt`, seconds (absent from publishers that predate it). */
  longestWaitSeconds?: number;
  /** Estimated wait of a caller joining now; null when nobody of the skill is working. */
  estimatedWaitSeconds?: number | null;
  updatedAt: string;
}

export interface AgentStateView {
  agentId: string;
  state: string;
  reason: string | null;
  seat: string | null;
  callId: string | null;
  since: string;
  /** In wrap_up: when it ends (null when unknown, e.g. states logged before this was recorded). */
  wrapUpEndsAt?: string | null;
}

/** The logged-in user's own ACD agent (acd_agents.user_id), with its last state from the state log. */
export interface OwnAgentView {
  agentId: string;
  state: string;
  reason: string | null;
  seat: string | null;
  callId: string | null;
  since: string | null;
  /** In wrap_up: when it ends, so a reloaded desktop counts down from the record. */
  wrapUpEndsAt: string | null;
}

/** Sent on every (re)connection: the client replaces its live state with it, so a blip loses nothing. */
export interface RealtimeSnapshot {
  serverTime: string;
  user: RealtimeUser;
  /** Null when the user is not an ACD agent (or the ACD is not installed). */
  agent: OwnAgentView | null;
  rooms: string[];
  callerNumbers: CallerNumberVisibility;
  /** Present for centre roles only. */
  calls: { live: LiveCallSnapshot[]; today: CallCountsSnapshot } | null;
  /** Present for unit roles only. */
  unitInbox: UnitInboxSnapshot | null;
  acd: AcdSnapshot | null;
  /** The floor's staff (wallboard): platform alarms of the last day, so one pushed during a blip is not missed. */
  alarms: SystemAlarmView[];
}

/**
 * A work order changed (a command succeeded). Carries no caller identity at all, for any room: clients
 * re-read the order over HTTP, where the caller-privacy rules of libs/work-orders apply per actor.
 */
export interface WorkOrderChangedPayload {
  orderId: string;
  number: string;
  status: string;
  version: number;
  /** The command that changed it, e.g. `sign`, `reply`, `review`, `intake`. */
  command: string;
  leadUnitId: string | null;
  unitIds: string[];
  deadlineState: string;
  handleDueAt: string | null;
  changedAt: string;
}

export interface ServerToClientEvents {
  snapshot: (snapshot: RealtimeSnapshot) => void;
  /** A hotline event from call-control (call.* now; agent.* and queue.* as issue 5 adds them). */
  'hotline.event': (event: HotlineEvent) => void;
  'work-order.changed': (change: WorkOrderChangedPayload) => void;
}

export interface AgentStateRequest {
  state: 'ready' | 'not_ready';
  /** Required for not_ready (break, training, meeting...). */
  reason?: string;
}

/** The answer to a command sent over the socket: call-control's result, or why it was refused. */
export type RealtimeCommandAck = { ok: true } | { ok: false; code: string; message: string };

export interface ClientToServerEvents {
  /** Ask for a fresh snapshot (e.g. after the tab was hidden for a while). */
  'snapshot.request': () => void;
  /** The agent's own state (ready / not ready with a reason), relayed to call-control as `agent.set-state`. */
  'agent.set-state': (request: AgentStateRequest, ack: (result: RealtimeCommandAck) => void) => void;
}

/** Room names: one place, so the gateway and tests agree. */
export const realtimeRooms = {
  user: (userId: string) => `user:${userId}`,
  /** An ACD agent by its code (acd_agents.id), which call-control's events name. */
  agent: (agentId: string) => `agent:${agentId}`,
  unit: (unitId: string) => `unit:${unitId}`,
  /** Every centre role: work-order changes of all units. */
  centre: 'centre',
  /** Supervisors, quality and admins: the wallboard group. */
  supervisors: 'supervisors',
  queue: (queue: string) => `queue:${queue}`,
  /** Call events with full numbers (agents, supervisors, quality) or masked (everyone else in the centre). */
  callsFull: 'calls:full',
  callsMasked: 'calls:masked',
} as const;
