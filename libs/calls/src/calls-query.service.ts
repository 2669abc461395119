import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { CallListDto, CallSummaryDto } from '@hotline/contracts';
import { CallEntity, CallEventEntity } from '@hotline/database';
import { Actor, hasRole, Role } from '@hotline/org';
import { maskPhone } from '@hotline/work-orders';
import { CallLinksRepository } from './call-links.repository';
import { toCallSummaryDto } from './call-summary.mapper';
import { CallNotFoundError, CallsForbiddenError } from './calls.errors';
import { parseAgentId, parseCallId, parseCallListLimit } from './calls-query.validation';

/** Roles that talk to callers see their full number (as on the live screens); the others see 138****1234. */
const FULL_NUMBER_ROLES = [Role.Agent, Role.Supervisor, Role.Quality] as const;
/** Roles that may read any agent's call history; an agent alone reads their own. */
const HISTORY_OF_ANY_AGENT = [Role.Supervisor, Role.Quality, Role.Reviewer, Role.Admin] as const;

/** Read side of calls: what the api shows about calls, straight from Postgres (the record). */
@Injectable()
export class CallsQueryService {
  constructor(
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    @InjectRepository(CallEventEntity) private readonly events: Repository<CallEventEntity>,
    private readonly links: CallLinksRepository,
  ) {}

  /**
   * The latest calls, newest first, each with its timeline and linked orders; with `agentId`, the calls that
   * agent answered (an agent may ask for their own only). Raw values are untrusted input.
   */
  async listLatest(actor: Actor, rawLimit?: unknown, rawAgentId?: unknown): Promise<CallListDto> {
    const limit = parseCallListLimit(rawLimit);
    const agentId = parseAgentId(rawAgentId);
    let calls: CallEntity[];
    if (agentId !== null) {
      await this.checkHistoryAccess(actor, agentId);
      const ids = await this.links.callsAnsweredBy(agentId, limit);
      const byId = new Map((ids.length ? await this.calls.find({ where: { id: In(ids) } }) : []).map((call) => [call.id, call]));
      calls = ids.map((id) => byId.get(id)).filter((call): call is CallEntity => call !== undefined);
    } else {
      // Ties on started_at (same millisecond) still get one stable order, so pages never shuffle.
      calls = await this.calls.find({ order: { startedAt: 'DESC', createdAt: 'DESC', id: 'ASC' }, take: limit });
    }
    return { limit, items: await this.present(actor, calls) };
  }

  async getById(actor: Actor, rawId: unknown): Promise<CallSummaryDto> {
    const id = parseCallId(rawId);
    const call = await this.calls.findOneBy({ id });
    if (!call) throw new CallNotFoundError(id);
    return (await this.present(actor, [call]))[0]!;
  }

  private async checkHistoryAccess(actor: Actor, agentId: string): Promise<void> {
    if (hasRole(actor, ...HISTORY_OF_ANY_AGENT)) return;
    const own = actor.userId ? await this.links.agentOfUser(actor.userId) : null;
    if (own !== agentId) throw new CallsForbiddenError(`Agents see their own call history only${own ? ` (agentId=${own})` : ''}`);
  }

  private async present(actor: Actor, calls: CallEntity[]): Promise<CallSummaryDto[]> {
    const ids = calls.map((call) => call.id);
    const [timelines, orders, agents] = await Promise.all([this.timelinesOf(ids), this.links.linkedOrders(ids), this.links.answeringAgents(ids)]);
    const masked = !hasRole(actor, ...FULL_NUMBER_ROLES);
    return calls.map((call) => {
      const summary = toCallSummaryDto(call, timelines.get(call.id) ?? [], orders.get(call.id) ?? [], agents.get(call.id) ?? null);
      return masked ? maskSummary(summary) : summary;
    });
  }

  /** One query for all the calls' events, rather than a join that `take` would cut in the wrong place. */
  private async timelinesOf(callIds: readonly string[]): Promise<Map<string, CallEventEntity[]>> {
    const timelines = new Map<string, CallEventEntity[]>();
    if (callIds.length === 0) return timelines;
    const events = await this.events.find({ where: { callId: In([...callIds]) }, order: { callId: 'ASC', sequence: 'ASC' } });
    for (const event of events) {
      const timeline = timelines.get(event.callId);
      if (timeline) timeline.push(event);
      else timelines.set(event.callId, [event]);
    }
    return timelines;
  }
}

/** The caller's number on the call and wherever the timeline carries it (call.started, the screen pop, callbacks). */
function maskSummary(summary: CallSummaryDto): CallSummaryDto {
  const mask = (value: unknown) => (typeof value === 'string' && value.length > 0 ? maskPhone(value) : value);
  return {
    ...summary,
    callerNumber: summary.callerNumber ? maskPhone(summary.callerNumber) : null,
    events: summary.events.map((event) => {
      if (!('callerNumber' in event.payload) && !('number' in event.payload)) return event;
      const payload = { ...event.payload };
      if ('callerNumber' in payload) payload.callerNumber = mask(payload.callerNumber);
      if ('number' in payload && event.type === 'call.callback') payload.number = mask(payload.number);
      return { ...event, payload };
    }),
  };
}
