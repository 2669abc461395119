import { Injectable, OnModuleInit } from '@nestjs/common';
import { CallControlCommandDispatcher } from '../commands/call-control-command.dispatcher';
import { SupervisionService } from './supervision.service';

/** Adds the supervision commands (issue 7) to call-control's one command dispatcher. */
@Injectable()
export class SupervisionCommandRegistrar implements OnModuleInit {
  constructor(
    private readonly dispatcher: CallControlCommandDispatcher,
    private readonly supervision: SupervisionService,
  ) {}

  onModuleInit(): void {
    this.dispatcher.on('supervision.monitor', (payload) => this.supervision.monitor(payload));
    this.dispatcher.on('supervision.stop', (payload) => this.supervision.stop(payload));
    this.dispatcher.on('supervision.release', (payload) => this.supervision.release(payload));
    this.dispatcher.on('supervision.agent-state', (payload) => this.supervision.forceAgentState(payload));
  }
}
