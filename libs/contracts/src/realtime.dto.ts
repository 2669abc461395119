/** The socket.io contract, as types only (the browser bundle must not pull server code). */
export type {
  AcdSnapshot,
  AgentStateRequest,
  AgentStateView,
  CallCountsSnapshot,
  CallerNumberVisibility,
  ClientToServerEvents,
  LiveCallSnapshot,
  OwnAgentView,
  QueueStatsView,
  RealtimeCommandAck,
  RealtimeRefusal,
  RealtimeSnapshot,
  RealtimeUser,
  ServerToClientEvents,
  UnitInboxSnapshot,
  WorkOrderChangedPayload,
} from '@hotline/realtime';
