import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import type { QueueStatsPayload } from '@hotline/realtime';
import { shanghaiParts } from '../ivr/condition.evaluator';
import { AcdConfigRepository } from './acd-config.repository';
import { AcdRecordRepository } from './acd-record.repository';
import { AcdStateStore } from './acd-state.store';
import { AcdErrorCode, AcdRefusedError } from './acd.errors';

/**
 * Per queue: live (callers waiting, agents staffed and ready, rolling handle time, from Redis) and today
 * (China time) from Postgres: answered, answered within the service-level threshold (15 s by default),
 * abandoned - so service level, answer rate and abandonment per queue.
 */
@Injectable()
export class QueueStatsService {
  constructor(
    private readonly state: AcdStateStore,
    private readonly config: AcdConfigRepository,
    private readonly records: AcdRecordRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async stats(skill: string): Promise<QueueStatsPayload & { offered: number; answerRate: number | null; abandonRate: number | null; serviceLevelSeconds: number }> {
    const settings = (await this.config.queues()).find((queue) => queue.skill === skill);
    if (!settings) throw new AcdRefusedError(AcdErrorCode.SkillNotFound, `No queue for skill ${skill}`, { skill });
    const agents = (await this.state.loggedInAgents()).filter((agent) => agent.skills[skill] !== undefined);
    const waiting = (await this.state.queue(skill)).filter((entry) => entry.state === 'waiting' && entry.kind === 'live').length;
    const day = await this.records.dayStats(skill, startOfShanghaiDay(this.clock.now()), settings.serviceLevelSeconds);
    const finished = day.answered + day.abandoned;
    return {
      skill,
      waiting,
      staffed: agents.length,
      ready: agents.filter((agent) => agent.state === 'ready').length,
      handleTimeSeconds: (await this.state.handleTime(skill)) ?? 0,
      offered: day.offered,
      answered: day.answered,
      answeredWithinThreshold: day.answeredWithinThreshold,
      abandoned: day.abandoned,
      serviceLevel: finished > 0 ? day.answeredWithinThreshold / finished : null,
      answerRate: finished > 0 ? day.answered / finished : null,
      abandonRate: finished > 0 ? day.abandoned / finished : null,
      serviceLevelSeconds: settings.serviceLevelSeconds,
    };
  }
}

function startOfShanghaiDay(now: Date): Date {
  return new Date(`${shanghaiParts(now).date}T00:00:00+08:00`);
}
