import { Injectable, OnModuleInit } from '@nestjs/common';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallControlCommandDispatcher } from '../commands/call-control-command.dispatcher';
import { CallNotActiveError } from '../recordings/recording-control.service';
import { AgentTransferService } from './agent-transfer.service';

/** Registers the transfer commands (transfer.start/complete/conference/cancel) with the command dispatcher. */
@Injectable()
export class TransferCommandHandler implements OnModuleInit {
  constructor(
    private readonly dispatcher: CallControlCommandDispatcher,
    private readonly transfers: AgentTransferService,
    private readonly calls: CallLogRepository,
  ) {}

  onModuleInit(): void {
    this.dispatcher.on('transfer.start', (p) => this.forCall(p.callId, () => this.transfers.start(p)));
    this.dispatcher.on('transfer.complete', (p) => this.forCall(p.callId, () => this.transfers.complete(p)));
    this.dispatcher.on('transfer.conference', (p) => this.forCall(p.callId, () => this.transfers.conference(p)));
    this.dispatcher.on('transfer.cancel', (p) => this.forCall(p.callId, () => this.transfers.cancel(p)));
  }

  /** Another node holding the call stays silent; a call that is over (or unknown) is refused. */
  private async forCall(callId: string, run: () => Promise<Record<string, unknown> | null>): Promise<Record<string, unknown> | null> {
    const result = await run();
    if (result !== null) return result;
    const call = await this.calls.findById(callId);
    if (!call || call.status === 'ended') throw new CallNotActiveError(callId);
    return null;
  }
}
