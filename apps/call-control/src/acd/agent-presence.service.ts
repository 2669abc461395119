import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import type { AgentStateName } from '@hotline/realtime';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { AcdConfigRepository } from './acd-config.repository';
import { AcdRecordRepository } from './acd-record.repository';
import { AcdStateStore } from './acd-state.store';
import { AcdErrorCode, AcdRefusedError } from './acd.errors';

/**
 * Agents' states as the outside world sees them: every transition (login, ready, not ready with a reason,
 * ringing, on call, wrap-up, logged out) is written to Postgres' history and published as
 * agent.state-changed. Login/logout/ready/not-ready commands from the api land here; the ACD reports the
 * call-driven transitions through `changed`.
 */
@Injectable()
export class AgentPresenceService {
  private readonly logger = new Logger(AgentPresenceService.name);
  /** The ACD wants to know when an agent may take a call (to match at once). */
  private readonly readyListeners: Array<() => void> = [];

  constructor(
    private readonly state: AcdStateStore,
    private readonly config: AcdConfigRepository,
    private readonly records: AcdRecordRepository,
    private readonly events: CallEventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  async login(agentId: string, seatId: string): Promise<{ state: AgentStateName }> {
    const agent = await this.config.agent(agentId);
    if (!agent || !agent.active) throw new AcdRefusedError(AcdErrorCode.AgentNotFound, `No active agent ${agentId}`, { agentId });
    const seat = await this.config.seat(seatId);
    if (!seat || !seat.active) throw new AcdRefusedError(AcdErrorCode.SeatNotFound, `No active seat ${seatId}`, { seatId });
    const now = this.clock.now();
    const previous = await this.state.login(agentId, seatId, agent.skills, agent.name, now.getTime());
    await this.changed(agentId, previous, 'not_ready', 'login', seatId, null);
    return { state: 'not_ready' };
  }

  async logout(agentId: string): Promise<{ state: AgentStateName }> {
    const snapshot = await this.state.agent(agentId);
    const previous = await this.state.logout(agentId, this.clock.now().getTime());
    await this.changed(agentId, previous, 'logged_out', null, snapshot?.seat ?? null, null);
    return { state: 'logged_out' };
  }

  async setState(agentId: string, target: 'ready' | 'not_ready', reason: string | undefined): Promise<{ state: AgentStateName | 'deferred' }> {
    const snapshot = await this.state.agent(agentId);
    if (!snapshot) throw new AcdRefusedError(AcdErrorCode.AgentLoggedOut, `Agent ${agentId} is not logged in`, { agentId });
    const { previous, next } = await this.state.setState(agentId, target, reason ?? '', this.clock.now().getTime());
    if (next !== 'deferred' && next !== previous) await this.changed(agentId, previous, next, reason ?? null, snapshot.seat, null);
    return { state: next };
  }

  /**
   * Records and publishes a transition; when it made an agent available, the ACD matches at once.
   * `wrapUntil`: the end of the wrap-up this change starts, for desktops to count down even after a reload.
   */
  async changed(agentId: string, previous: AgentStateName, next: AgentStateName, reason: string | null, seat: string | null, callId: string | null, wrapUntil: Date | null = null): Promise<void> {
    const at = this.clock.now();
    try {
      await this.records.logAgentState(agentId, next, reason, seat, callId, at, wrapUntil);
    } catch (error) {
      // The live state is already in Redis; the history row is for reports. Logged, not thrown into call handling.
      this.logger.error(`Could not log agent ${agentId} → ${next}: ${(error as Error).message}`);
    }
    await this.events.publish('agent.state-changed', at, { agentId, state: next, previousState: previous, reason, seat, callId, wrapUpEndsAt: wrapUntil?.toISOString() ?? null });
    if (next === 'ready') for (const listener of this.readyListeners) listener();
  }
}
