import { Injectable, OnModuleInit } from '@nestjs/common';
import { CallControlCommandDispatcher } from '../commands/call-control-command.dispatcher';
import { AgentTransferService } from './agent-transfer.service';

/** Registers the transfer commands (transfer.start/complete/conference/cancel) with the command dispatcher. */
@Injectable()
export class TransferCommandHandler implements OnModuleInit {
  constructor(
    private readonly dispatcher: CallControlCommandDispatcher,
    private readonly transfers: AgentTransferService,
  ) {}

  onModuleInit(): void {
    this.dispatcher.onCall('transfer.start', (p) => this.transfers.start(p));
    this.dispatcher.onCall('transfer.complete', (p) => this.transfers.complete(p));
    this.dispatcher.onCall('transfer.conference', (p) => this.transfers.conference(p));
    this.dispatcher.onCall('transfer.cancel', (p) => this.transfers.cancel(p));
  }
}
