import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { CallListDto, CallSummaryDto } from '@hotline/contracts';
import { CallEntity, CallEventEntity } from '@hotline/database';
import { toCallSummaryDto } from './call-summary.mapper';
import { CallNotFoundError } from './calls.errors';
import { parseCallId, parseCallListLimit } from './calls-query.validation';

/** Read side of calls: what the api shows about calls, straight from Postgres (the record). */
@Injectable()
export class CallsQueryService {
  constructor(
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    @InjectRepository(CallEventEntity) private readonly events: Repository<CallEventEntity>,
  ) {}

  /** The latest calls, newest first, each with its ordered timeline. `rawLimit` is untrusted input. */
  async listLatest(rawLimit?: unknown): Promise<CallListDto> {
    const limit = parseCallListLimit(rawLimit);
    // Ties on started_at (same millisecond) still get one stable order, so pages never shuffle.
    const calls = await this.calls.find({ order: { startedAt: 'DESC', createdAt: 'DESC', id: 'ASC' }, take: limit });
    const timelines = await this.timelinesOf(calls.map((call) => call.id));
    return { limit, items: calls.map((call) => toCallSummaryDto(call, timelines.get(call.id) ?? [])) };
  }

  async getById(rawId: unknown): Promise<CallSummaryDto> {
    const id = parseCallId(rawId);
    const call = await this.calls.findOneBy({ id });
    if (!call) throw new CallNotFoundError(id);
    const timelines = await this.timelinesOf([id]);
    return toCallSummaryDto(call, timelines.get(id) ?? []);
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
