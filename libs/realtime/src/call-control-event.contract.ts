/**
 * Payloads of the events call-control publishes beyond a call's start, answer, keys and end: IVR path,
 * ACD (queue, offer, RONA, connect, abandon), recording control, agents and queues. Part of the hotline
 * event contract (hotline-event.contract.ts); pure types, the web reads them too.
 */
interface CallRef {
  callId: string;
  channelId: string;
}

export interface CallIvrPayload extends CallRef {
  flow: string;
  flowVersion: number;
  nodeId: string;
  nodeType: string;
  /** What happened at the node: the key pressed, "timeout", "invalid", the condition's branch... */
  outcome?: string;
}

export interface CallTaggedPayload extends CallRef {
  key: string;
  value: string;
}

export interface CallLinePayload extends CallRef {
  /** The number dialled (DNIS): 12345 or an integrated line such as 12315. */
  line: string;
  lineName: string;
  skill: string;
}

export interface CallQueuedPayload extends CallRef {
  skill: string;
  priority: number;
  /** Why the priority is what it is: elderly, vip, repeat-caller, line weight... */
  priorityReasons: string[];
  position: number;
  estimatedWaitSeconds: number | null;
}

/** What a waiting caller was told: place in the queue and estimated wait (null: not enough agents to say). */
export interface CallAnnouncedPayload extends CallRef {
  position: number;
  estimatedWaitSeconds: number | null;
}

export interface CallOfferedPayload extends CallRef {
  skill: string;
  agentId: string;
  seat: string;
  agentChannelId: string;
}

export interface CallRonaPayload extends CallRef {
  agentId: string;
  /** Q.850 cause of the agent leg (19 no answer, 17 busy, 21 rejected...). */
  cause: number | null;
}

export interface CallConnectedPayload extends CallRef {
  skill: string;
  agentId: string;
  agentChannelId: string;
  bridgeId: string;
  waitMs: number;
}

export interface CallAbandonedPayload extends CallRef {
  skill: string;
  waitMs: number;
  /** Whether an automatic callback was put in the queue for the caller. */
  callbackQueued: boolean;
}

export interface CallOverflowedPayload extends CallRef {
  fromSkill: string;
  toSkill: string;
  waitMs: number;
}

export interface CallCallbackPayload extends CallRef {
  callbackId: string;
  number: string;
  skill: string;
  /** requested: caller accepted the offer; dialling: the agent answered and the citizen is being called; done/failed. */
  state: 'requested' | 'dialling' | 'connected' | 'failed';
}

export interface CallTransferredPayload extends CallRef {
  number: string;
}

export interface CallMessageLeftPayload extends CallRef {
  recordingId: string;
  durationMs: number | null;
}

/** A work order as the screen pop names it. */
export interface CallOrderRef {
  id: string;
  number: string;
  status: string;
  subject: string;
}

export interface CallerPreviousOrder extends CallOrderRef {
  createdAt: string;
  confidential: boolean;
}

/**
 * The screen pop, published when an agent answers (after call.connected); libs/contracts CallScreenPopDto
 * documents it for the desk. The call is either attached to the caller's open order (link 'attached', a
 * work_order_calls row and a 'call_linked' event on the order) or has a draft for a new one (link 'draft').
 */
export interface CallWorkOrderDraftPayload extends CallRef {
  draftId: string;
  agentId: string;
  /** The caller's number; masked per role by the api's realtime relay, like call.started's. */
  callerNumber: string | null;
  link: 'attached' | 'draft';
  attachedOrder: CallOrderRef | null;
  /** The caller's open order the call was attached to (attachedOrder's id), null for a draft. */
  openOrderId: string | null;
  /** The caller's last 5 orders, newest first. */
  previousOrders: CallerPreviousOrder[];
  lineTag: string | null;
}

export interface RecordingControlPayload extends CallRef {
  reason: string;
  requestedBy: string;
}

export interface RecordingFinalisedPayload extends CallRef {
  recordingId: string;
  kind: 'call' | 'message';
  status: 'finalised' | 'missing';
  durationMs: number | null;
  sizeBytes: number | null;
  sha256: string | null;
}

export type AgentStateName = 'logged_out' | 'ready' | 'not_ready' | 'ringing' | 'on_call' | 'wrap_up';

export interface AgentStateChangedPayload {
  agentId: string;
  state: AgentStateName;
  previousState: AgentStateName;
  reason: string | null;
  seat: string | null;
  callId: string | null;
  /** On a change to wrap_up: when call-control will make the agent ready again. */
  wrapUpEndsAt?: string | null;
}

export interface QueueStatsPayload {
  skill: string;
  waiting: number;
  staffed: number;
  ready: number;
  /** Rolling (exponentially weighted) handle time in seconds. */
  handleTimeSeconds: number;
  answered: number;
  answeredWithinThreshold: number;
  abandoned: number;
  /** answeredWithinThreshold / (answered + abandoned), today; null before any call. */
  serviceLevel: number | null;
  /** How long the caller waiting longest has waited, at `occurredAt` (0 with nobody waiting). */
  longestWaitSeconds?: number;
  /** Estimated wait of a caller joining now; null when no agent of the skill is working. */
  estimatedWaitSeconds?: number | null;
}

/** Supervision modes; "take_over" means the supervisor replaced the agent in the call. */
export type SupervisionMode = 'listen' | 'whisper' | 'barge' | 'take_over';

/** Who is monitoring which call, in which mode (issue 7): so other supervisors see it live. */
export interface SupervisionPayload extends CallRef {
  /** One supervisor's presence on one call (their seat leg), across mode switches. */
  supervisionId: string;
  supervisorUserId: string;
  supervisor: string;
  seat: string;
  agentId: string | null;
  mode: SupervisionMode;
  /** dialling: the supervisor's seat rings; active: they hear the call; ended: they left (reason says why). */
  state: 'dialling' | 'active' | 'ended';
  previousMode: SupervisionMode | null;
  reason: string | null;
}

/** 强拆: a supervisor ended a call. */
export interface SupervisionReleasedPayload extends CallRef {
  supervisorUserId: string;
  supervisor: string;
  agentId: string | null;
}

/** The caller's rating of the service at the end of the call (转满意度评价), or why there is none. */
export interface CallServiceRatedPayload {
  callId: string;
  channelId: string;
  agentId: string;
  outcome: 'rated' | 'no_input' | 'hung_up';
  digit: string | null;
  level: 'satisfied' | 'basically_satisfied' | 'dissatisfied' | null;
}

export interface CallControlEventPayloads {
  'call.line': CallLinePayload;
  'call.ivr': CallIvrPayload;
  'call.tagged': CallTaggedPayload;
  'call.queued': CallQueuedPayload;
  'call.announced': CallAnnouncedPayload;
  'call.offered': CallOfferedPayload;
  'call.rona': CallRonaPayload;
  'call.connected': CallConnectedPayload;
  'call.abandoned': CallAbandonedPayload;
  'call.overflowed': CallOverflowedPayload;
  'call.callback': CallCallbackPayload;
  'call.transferred': CallTransferredPayload;
  'call.message-left': CallMessageLeftPayload;
  'call.work-order-draft': CallWorkOrderDraftPayload;
  'call.service-rated': CallServiceRatedPayload;
  'recording.paused': RecordingControlPayload;
  'recording.resumed': RecordingControlPayload;
  'recording.finalised': RecordingFinalisedPayload;
  'agent.state-changed': AgentStateChangedPayload;
  'queue.stats': QueueStatsPayload;
  'supervision.changed': SupervisionPayload;
  'supervision.released': SupervisionReleasedPayload;
}

export const CALL_CONTROL_EVENT_TYPES: ReadonlyArray<keyof CallControlEventPayloads> = [
  'call.line',
  'call.ivr',
  'call.tagged',
  'call.queued',
  'call.announced',
  'call.offered',
  'call.rona',
  'call.connected',
  'call.abandoned',
  'call.overflowed',
  'call.callback',
  'call.transferred',
  'call.message-left',
  'call.work-order-draft',
  'call.service-rated',
  'recording.paused',
  'recording.resumed',
  'recording.finalised',
  'agent.state-changed',
  'queue.stats',
  'supervision.changed',
  'supervision.released',
];
