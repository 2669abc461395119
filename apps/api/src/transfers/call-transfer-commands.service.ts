import { Injectable } from '@nestjs/common';
import { AcdAdminRepository } from '@hotline/acd';
import { DomainError, DomainErrorKind } from '@hotline/common';
import { Actor, hasRole, Role } from '@hotline/org';
import { CallControlClient } from '../call-control/call-control.client';
import { CallNotInProgressError } from '../recordings/recording-commands.service';
import { TransferDestinationRepository } from './transfer-destination.repository';
import type { StartTransferBody } from './transfer.schemas';

/** The destination named is not an active allow-list entry: nothing is dialled. */
export class TransferDestinationNotAllowedError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor(destination: string) {
    super('TRANSFER_DESTINATION_NOT_ALLOWED', `${destination} is not on the transfer allow-list`, { destination });
  }
}

export class NotAnAgentError extends DomainError {
  readonly kind = DomainErrorKind.Forbidden;
  constructor() {
    super('TRANSFER_NOT_YOUR_CALL', 'Agents transfer their own calls only, and your login has no agent');
  }
}

/**
 * Agent transfers from the api: the destination is resolved to an allow-list entry here (400 if it is not
 * one), and only that entry's id goes to call-control, which reads the number again itself. An agent acts on
 * their own call only (call-control checks the call is connected to them); a supervisor on any call.
 */
@Injectable()
export class CallTransferCommandsService {
  constructor(
    private readonly destinations: TransferDestinationRepository,
    private readonly agents: AcdAdminRepository,
    private readonly callControl: CallControlClient,
  ) {}

  async start(actor: Actor, callId: string, body: StartTransferBody): Promise<Record<string, unknown>> {
    await this.inProgress(callId);
    const agentId = await this.actingAgent(actor);
    const destination = await this.destinations.active(body.destination);
    if (!destination) throw new TransferDestinationNotAllowedError(body.destination);
    return this.callControl.send('transfer.start', { callId, destinationId: destination.id, mode: body.mode, hold: body.hold, requestedBy: actor.username, ...(agentId ? { agentId } : {}) });
  }

  async act(actor: Actor, action: 'complete' | 'conference' | 'cancel', callId: string, transferId: string): Promise<Record<string, unknown>> {
    await this.inProgress(callId);
    const agentId = await this.actingAgent(actor);
    return this.callControl.send(`transfer.${action}`, { callId, transferId, requestedBy: actor.username, ...(agentId ? { agentId } : {}) });
  }

  /** 转满意度评价: the caller goes to the satisfaction prompt, the agent to wrap-up (their own call only). */
  async rateService(actor: Actor, callId: string): Promise<Record<string, unknown>> {
    await this.inProgress(callId);
    const agentId = await this.actingAgent(actor);
    return this.callControl.send('call.rate-service', { callId, requestedBy: actor.username, ...(agentId ? { agentId } : {}) });
  }

  /** Refused at once (404) for calls the record shows over or unknown; call-control checks the rest. */
  private async inProgress(callId: string): Promise<void> {
    const status = await this.destinations.callStatus(callId);
    if (status === null || status === 'ended') throw new CallNotInProgressError(callId);
  }

  /** Undefined for a supervisor (any call); the agent linked to the login otherwise. */
  private async actingAgent(actor: Actor): Promise<string | undefined> {
    if (hasRole(actor, Role.Supervisor)) return undefined;
    const own = actor.userId ? await this.agents.agentOfUser(actor.userId) : null;
    if (!own) throw new NotAnAgentError();
    return own;
  }
}
