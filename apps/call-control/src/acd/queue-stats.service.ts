import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import type { QueueStatsPayload } from '@hotline/realtime';
import { shanghaiParts } from '../ivr/condition.evaluator';
import { AcdConfigRepository } from './acd-config.repository';
import { AcdRecordRepository } from './acd-record.repository';
import { AcdStateStore } from './acd-state.store';
import { AcdErrorCode, AcdRefusedError } from './acd.errors';
import { estimateWaitSeconds } from './ewt.calculator';

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
    const waitingEntries = (await this.state.queue(skill)).filter((entry) => entry.state === 'waiting' && entry.kind === 'live');
    const waiting = waitingEntries.length;
    const now = this.clock.now().getTime();
    const ready = agents.filter((agent) => agent.state === 'ready').length;
    const working = agents.filter((agent) => agent.state !== 'not_ready' && agent.state !== 'logged_out').length;
    const handleTime = await this.state.handleTime(skill);
    const day = await this.records.dayStats(skill, startOfShanghaiDay(this.clock.now()), settings.serviceLevelSeconds);
    const finished = day.answered + day.abandoned;
    return {
      skill,
      waiting,
      staffed: agents.length,
      ready,
      handleTimeSeconds: handleTime ?? 0,
      longestWaitSeconds: waiting > 0 ? Math.max(0, Math.round((now - Math.min(...waitingEntries.map((entry) => entry.enqueuedAt))) / 1_000)) : 0,
      // What a caller joining now would be told (the same estimate as the announcements).
      estimatedWaitSeconds: estimateWaitSeconds({ position: waiting + 1, ready, working, handleTimeSeconds: handleTime }),
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
