import { Injectable } from '@nestjs/common';
import { AcdAdminRepository } from '@hotline/acd';
import { Actor, hasRole, Role } from '@hotline/org';
import { DomainError, DomainErrorKind } from '@hotline/common';
import { HotlineCommandPayloads } from '@hotline/realtime';
import { CallControlClient } from '../call-control/call-control.client';

export class AcdSubjectNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(what: 'agent' | 'skill', id: string) {
    super(what === 'agent' ? 'AGENT_NOT_FOUND' : 'SKILL_NOT_FOUND', `No ${what} ${id}`, { [what]: id });
  }
}

/** A queue that overflows to itself, or to a skill that does not exist, would strand its callers. */
export class InvalidOverflowError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor(skill: string, overflowSkill: string, why: 'self' | 'unknown') {
    super('INVALID_OVERFLOW', why === 'self' ? `Queue ${skill} cannot overflow to itself` : `Queue ${skill} overflows to ${overflowSkill}, which does not exist`, {
      issues: [{ field: 'overflowSkill', rule: why === 'self' ? 'not_self' : 'exists', message: why === 'self' ? 'a queue cannot overflow to itself' : `no skill ${overflowSkill}` }],
    });
  }
}

export class NotYourAgentError extends DomainError {
  readonly kind = DomainErrorKind.Forbidden;
  constructor(agentId: string, own: string | null) {
    super('NOT_YOUR_AGENT', `Agents change their own state only (you are ${own ?? 'no agent'}, not ${agentId})`, { agentId });
  }
}

/**
 * The api's ACD commands: what can be refused from the database (an unknown agent or skill) is refused here
 * with 404, so call-control is asked only about things that exist.
 */
@Injectable()
export class AcdCommandsService {
  constructor(private readonly repository: AcdAdminRepository, private readonly callControl: CallControlClient) {}

  /** An agent may change only their own state (the agent linked to their login); a supervisor anyone's. */
  async forAgent<T extends 'agent.login' | 'agent.logout' | 'agent.set-state'>(actor: Actor, type: T, payload: HotlineCommandPayloads[T]): Promise<Record<string, unknown>> {
    if (!(await this.repository.agentExists(payload.agentId))) throw new AcdSubjectNotFoundError('agent', payload.agentId);
    if (!hasRole(actor, Role.Supervisor)) {
      const own = actor.userId ? await this.repository.agentOfUser(actor.userId) : null;
      if (own !== payload.agentId) throw new NotYourAgentError(payload.agentId, own);
    }
    return this.callControl.send(type, payload);
  }

  async forSkill<T extends 'queue.stats' | 'callback.request'>(type: T, payload: HotlineCommandPayloads[T]): Promise<Record<string, unknown>> {
    if (!(await this.repository.skillExists(payload.skill))) throw new AcdSubjectNotFoundError('skill', payload.skill);
    return this.callControl.send(type, payload);
  }
}
