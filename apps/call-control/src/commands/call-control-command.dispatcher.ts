import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { HotlineCommand, HotlineCommandPayloads, HotlineCommandType } from '@hotline/realtime';
import { RedisCommandListener } from '@hotline/redis';
import { AcdService } from '../acd/acd.service';
import { rankOf } from '../acd/acd-state.store';
import { AgentPresenceService } from '../acd/agent-presence.service';
import { AgentSeatProvisioner } from '../acd/agent-seat.provisioner';
import { QueueStatsService } from '../acd/queue-stats.service';
import { CallLogRepository } from '../calls/call-log.repository';
import { IvrFlowCatalog } from '../ivr/ivr-flow.catalog';
import { LineDirectory } from '../ivr/line.directory';
import { CallNotActiveError, RecordingControlService } from '../recordings/recording-control.service';

type Handler = (command: HotlineCommand) => Promise<Record<string, unknown> | null>;
/** Commands whose payload names a call (`callId` required). */
type CallCommandType = { [T in HotlineCommandType]: HotlineCommandPayloads[T] extends { callId: string } ? T : never }[HotlineCommandType];

/**
 * Entry point of commands from other apps (Redis, validated by the listener): routes each to the service
 * that owns it. Thin on purpose: the rules live in the services.
 */
@Injectable()
export class CallControlCommandDispatcher implements OnApplicationBootstrap {
  private readonly logger = new Logger(CallControlCommandDispatcher.name);
  private readonly handlers = new Map<string, Handler>();

  constructor(
    private readonly listener: RedisCommandListener,
    private readonly recordings: RecordingControlService,
    private readonly calls: CallLogRepository,
    private readonly agents: AgentPresenceService,
    private readonly acd: AcdService,
    private readonly stats: QueueStatsService,
    private readonly seats: AgentSeatProvisioner,
    private readonly flows: IvrFlowCatalog,
    private readonly lines: LineDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.onCall('recording.pause', (p) => this.recordings.setPaused(p.callId, true, p.reason, p.requestedBy));
    this.onCall('recording.resume', (p) => this.recordings.setPaused(p.callId, false, p.reason, p.requestedBy));
    this.on('agent.login', (p) => this.agents.login(p.agentId, p.seat));
    this.on('agent.logout', (p) => this.agents.logout(p.agentId));
    this.on('agent.set-state', (p) => this.agents.setState(p.agentId, p.state, p.reason));
    this.on('queue.stats', async (p) => ({ ...(await this.stats.stats(p.skill)) }));
    this.on('callback.request', async (p) => {
      const at = this.clock.now();
      const callbackId = await this.acd.queueCallback({ number: p.number, skill: p.skill, reason: 'manual', originCallId: p.callId ?? null, rank: rankOf(0, at.getTime()), at });
      return { callbackId };
    });
    this.on('config.reload', async (p) => {
      this.logger.log(`Reloading ${p.what} (requested by ${p.requestedBy})`);
      if (p.what === 'ivr-flows') await this.flows.reload();
      if (p.what === 'lines') await this.lines.reload();
      if (p.what === 'seats') await this.seats.sync();
      if (p.what === 'queues') await this.acd.reloadSettings();
      return { reloaded: p.what, flows: this.flows.versions() };
    });
  }

  on<T extends HotlineCommandType>(type: T, handler: (payload: HotlineCommandPayloads[T]) => Promise<Record<string, unknown> | null>): void {
    this.handlers.set(type, (command) => handler(command.payload as HotlineCommandPayloads[T]));
  }

  /** A command about one call: `handler` answers null when this process does not hold it (see forCall). */
  onCall<T extends CallCommandType>(type: T, handler: (payload: HotlineCommandPayloads[T]) => Promise<Record<string, unknown> | null>): void {
    this.on(type, (payload) => this.forCall((payload as { callId: string }).callId, () => handler(payload)));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.listen(async (command) => {
      const handler = this.handlers.get(command.type);
      if (!handler) {
        this.logger.warn(`No handler for command ${command.type}`);
        return null;
      }
      return handler(command);
    });
  }

  /**
   * Commands about one call are answered by the process holding it. Another node stays silent (it would
   * be wrong to say "not found" for a call that node holds), unless the record shows the call is over.
   */
  private async forCall<T extends Record<string, unknown>>(callId: string, run: () => Promise<T | null>): Promise<T | null> {
    const result = await run();
    if (result !== null) return result;
    const call = await this.calls.findById(callId);
    if (!call || call.status === 'ended') throw new CallNotActiveError(callId);
    return null;
  }
}
