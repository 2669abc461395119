import type { Clock } from '@hotline/common';
import type { AcdConfigRepository } from './acd-config.repository';
import type { AcdRecordRepository } from './acd-record.repository';
import type { AcdStateStore, AgentSnapshot, QueueEntry } from './acd-state.store';
import { QueueStatsService } from './queue-stats.service';

const NOW = Date.parse('2026-12-01T02:00:00Z');

const entry = (state: QueueEntry['state'], kind: QueueEntry['kind'], waitedSeconds: number): QueueEntry =>
  ({ id: `${kind}-${state}-${waitedSeconds}`, kind, state, skill: 'general', enqueuedAt: NOW - waitedSeconds * 1_000 }) as QueueEntry;
const agent = (id: string, state: AgentSnapshot['state'], skills: Record<string, number> = { general: 5 }): AgentSnapshot => ({ id, state, skills }) as AgentSnapshot;

function service(queue: QueueEntry[], agents: AgentSnapshot[], handleTime: number | null): QueueStatsService {
  const state = { loggedInAgents: async () => agents, queue: async () => queue, handleTime: async () => handleTime } as unknown as AcdStateStore;
  const config = { queues: async () => [{ skill: 'general', serviceLevelSeconds: 15 }] } as unknown as AcdConfigRepository;
  const records = { dayStats: async () => ({ offered: 10, answered: 8, answeredWithinThreshold: 6, abandoned: 2 }) } as unknown as AcdRecordRepository;
  const clock: Clock = { now: () => new Date(NOW) };
  return new QueueStatsService(state, config, records, clock);
}

describe('QueueStatsService: longest wait and EWT for the wallboard', () => {
  it('takes the longest wait from the live callers still waiting, and estimates the wait of a caller joining now', async () => {
    const stats = await service(
      // A queued callback and a caller already offered to an agent are not waiting callers.
      [entry('waiting', 'live', 40), entry('waiting', 'live', 10), entry('waiting', 'callback', 100), entry('offered', 'live', 70)],
      [agent('a1', 'ready'), agent('a2', 'on_call'), agent('a3', 'not_ready'), agent('x1', 'ready', { environment: 5 })],
      120,
    ).stats('general');
    expect(stats).toMatchObject({ waiting: 2, staffed: 3, ready: 1, longestWaitSeconds: 40 });
    // Position 3 with 1 ready and 2 working: one round of half a handle time.
    expect(stats.estimatedWaitSeconds).toBe(60);
  });

  it('shows no wait with nobody waiting, and no estimate with nobody working', async () => {
    const idle = await service([], [agent('a1', 'ready')], 120).stats('general');
    expect(idle).toMatchObject({ waiting: 0, longestWaitSeconds: 0, estimatedWaitSeconds: 0 });
    const unstaffed = await service([entry('waiting', 'live', 5)], [agent('a3', 'not_ready')], null).stats('general');
    expect(unstaffed).toMatchObject({ waiting: 1, longestWaitSeconds: 5, estimatedWaitSeconds: null });
  });
});
