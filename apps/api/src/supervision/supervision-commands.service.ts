import { Injectable } from '@nestjs/common';
import { Actor, hasRole, Role } from '@hotline/org';
import type { SupervisionMode } from '@hotline/realtime';
import { CallControlClient } from '../call-control/call-control.client';
import { SupervisionApiErrorCode, SupervisionRequestError } from './supervision.errors';
import { SupervisionRepository, SupervisorProfile } from './supervision.repository';

/**
 * The api's half of supervision (issue 7): refuses what it can tell from Postgres (unknown or ended call,
 * a call or agent outside the supervisor's queues, no seat to ring) and sends the rest to call-control as
 * typed commands. The org model has no groups, so scope = the skills (queues) in supervisor_skills;
 * admins supervise every queue.
 */
@Injectable()
export class SupervisionCommandsService {
  constructor(private readonly repository: SupervisionRepository, private readonly callControl: CallControlClient) {}

  async monitor(actor: Actor, callId: string, mode: SupervisionMode): Promise<Record<string, unknown>> {
    const profile = await this.callInScope(actor, callId);
    if (!profile?.seat) throw new SupervisionRequestError(SupervisionApiErrorCode.NoSupervisorSeat, `${actor.username} has no seat phone to be rung; an administrator sets one (PUT /api/supervision/supervisors/{userId})`);
    return this.callControl.send('supervision.monitor', { callId, mode, supervisorUserId: actor.userId!, seat: profile.seat, requestedBy: actor.username });
  }

  async stop(actor: Actor, callId: string): Promise<Record<string, unknown>> {
    await this.callInScope(actor, callId);
    return this.callControl.send('supervision.stop', { callId, supervisorUserId: actor.userId!, requestedBy: actor.username });
  }

  async release(actor: Actor, callId: string): Promise<Record<string, unknown>> {
    await this.callInScope(actor, callId);
    return this.callControl.send('supervision.release', { callId, supervisorUserId: actor.userId!, requestedBy: actor.username });
  }

  async agentState(actor: Actor, agentId: string, state: 'ready' | 'not_ready' | 'logged_out', reason: string | undefined): Promise<Record<string, unknown>> {
    const skills = await this.repository.agentSkills(agentId);
    if (skills === null) throw new SupervisionRequestError(SupervisionApiErrorCode.AgentNotFound, `No agent ${agentId}`, { agentId });
    const profile = await this.profile(actor);
    if (profile !== 'all' && !skills.some((skill) => profile?.skills.includes(skill))) {
      throw new SupervisionRequestError(SupervisionApiErrorCode.NotInScope, `Agent ${agentId} works in no queue you supervise`, { agentId });
    }
    return this.callControl.send('supervision.agent-state', { agentId, state, reason, supervisorUserId: actor.userId!, requestedBy: actor.username });
  }

  /** The call exists, is not over, and is in one of the actor's queues; returns the actor's profile (seat). */
  private async callInScope(actor: Actor, callId: string): Promise<SupervisorProfile | null> {
    const call = await this.repository.call(callId);
    if (!call) throw new SupervisionRequestError(SupervisionApiErrorCode.CallNotFound, `No call ${callId}`, { callId });
    if (call.status === 'ended') throw new SupervisionRequestError(SupervisionApiErrorCode.CallNotInTalk, `Call ${callId} has ended`, { callId });
    const profile = await this.profile(actor);
    if (profile === 'all') return this.repository.supervisor(actor.userId!);
    if (!call.skill || !profile?.skills.includes(call.skill)) {
      throw new SupervisionRequestError(SupervisionApiErrorCode.NotInScope, `Call ${callId} is in queue ${call.skill ?? '(none)'}, which you do not supervise`, { callId, skill: call.skill });
    }
    return profile;
  }

  private async profile(actor: Actor): Promise<SupervisorProfile | 'all' | null> {
    if (!actor.userId) throw new SupervisionRequestError(SupervisionApiErrorCode.NotInScope, 'Supervision needs a person, not the system');
    if (hasRole(actor, Role.Admin)) return 'all';
    return this.repository.supervisor(actor.userId);
  }
}
