/**
 * Events of an agent's transfer of a call (issue 7): warm (the agent consults first) or blind, always to an
 * entry of the centre's allow-list. Part of the hotline event contract; pure types, the web reads them too.
 */
export interface TransferEventPayload {
  callId: string;
  channelId: string;
  transferId: string;
  mode: 'warm' | 'blind';
  destinationNumber: string;
  destinationName: string;
  /** 110/119/120/122: never refused; the linked order gets the preset's emergency deadlines. */
  emergency: boolean;
  agentId: string;
  state: 'dialling' | 'consulting' | 'conference' | 'ended';
  /** Set once ended: completed, cancelled, busy, no_answer, failed, caller_left, destination_left. */
  outcome: string | null;
  /** Q.850 cause of the destination leg when it failed (17 busy, 19 no answer...). */
  hangupCause: number | null;
}

export interface TransferEventPayloads {
  'transfer.started': TransferEventPayload;
  'transfer.answered': TransferEventPayload;
  'transfer.conference': TransferEventPayload;
  'transfer.failed': TransferEventPayload;
  'transfer.cancelled': TransferEventPayload;
  'transfer.completed': TransferEventPayload;
}

export const TRANSFER_EVENT_TYPES: ReadonlyArray<keyof TransferEventPayloads> = [
  'transfer.started',
  'transfer.answered',
  'transfer.conference',
  'transfer.failed',
  'transfer.cancelled',
  'transfer.completed',
];
