import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import type { AgentStateName } from '@hotline/realtime';
import { defineRedisScripts, REDIS_CLIENT, RedisScript, RedisScripts } from '@hotline/redis';
import { AcdErrorCode, AcdRefusedError } from './acd.errors';
import * as scripts from './acd-state.scripts';

export type EntryKind = 'live' | 'callback';
export type EntryState = 'waiting' | 'offered' | 'connected';

/** A place in a queue: a caller on the line (live) or a callback owed to one. */
export interface QueueEntry {
  id: string;
  kind: EntryKind;
  callId: string;
  channelId: string;
  callerNumber: string;
  skill: string;
  originSkill: string;
  priority: number;
  rank: number;
  enqueuedAt: number;
  state: EntryState;
  agentId: string;
  agentChannelId: string;
  offeredAt: number;
  connectedAt: number;
  offers: number;
  callbackId: string;
  /** For a callback: the call record of the citizen's leg once they answered. */
  talkCallId: string;
}

export interface AgentSnapshot {
  id: string;
  name: string;
  state: AgentStateName;
  reason: string;
  seat: string;
  skills: Record<string, number>;
  since: number;
  readySince: number;
  entryId: string;
  callId: string;
  agentChannelId: string;
  wrapUntil: number;
}

export interface Transition {
  previous: AgentStateName;
  next: AgentStateName | 'deferred';
}

type ScriptName = keyof typeof scripts;

/** Priority classes are strict: a higher priority always goes first, then arrival. 1e13 ms > any epoch. */
const PRIORITY_CLASS = 1e13;
/** Priorities run 0-300 (flow node + line weight + caller rules); callbacks after abandonment sit below all. */
export const MAX_PRIORITY = 300;
export const ABANDONED_CALLBACK_PRIORITY = -1;

export function rankOf(priority: number, enqueuedAtMs: number): number {
  return (MAX_PRIORITY - Math.max(ABANDONED_CALLBACK_PRIORITY, Math.min(MAX_PRIORITY, priority))) * PRIORITY_CLASS + enqueuedAtMs;
}

/** Live ACD state in Redis; every decision that two processes could race on is one Lua script. */
@Injectable()
export class AcdStateStore {
  private readonly scripts: RedisScripts<ScriptName>;
  readonly prefix: string;

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis, @Inject(APP_CONFIG) config: AppConfig) {
    const commands = Object.fromEntries(Object.entries(scripts).map(([name, lua]) => [name, { numberOfKeys: 0, lua }]));
    this.scripts = defineRedisScripts(redis, commands as Record<ScriptName, RedisScript>);
    this.prefix = `${config.REDIS_PREFIX}:{acd}`;
  }

  async login(agentId: string, seat: string, skills: Record<string, number>, name: string, now: number): Promise<AgentStateName> {
    const [previous] = (await this.call('LOGIN', agentId, seat, JSON.stringify(skills), name, now)) as [AgentStateName];
    return previous;
  }

  async logout(agentId: string, now: number): Promise<AgentStateName> {
    const [previous] = (await this.call('LOGOUT', agentId, now)) as [AgentStateName];
    return previous;
  }

  async setState(agentId: string, target: 'ready' | 'not_ready', reason: string, now: number): Promise<Transition> {
    const [previous, next] = (await this.call('SET_STATE', agentId, target, reason, now)) as [AgentStateName, AgentStateName | 'deferred'];
    return { previous, next };
  }

  /** The caller's position, and how many agents are ready for the skill (the estimated wait's common case). */
  enqueue(entry: Omit<QueueEntry, 'rank' | 'state' | 'agentId' | 'agentChannelId' | 'offeredAt' | 'connectedAt' | 'offers' | 'talkCallId'>): Promise<{ position: number; readyAgents: number }> {
    return this.enqueueWithRank({ ...entry, rank: rankOf(entry.priority, entry.enqueuedAt) });
  }

  /** Re-queues with a given rank (a callback keeping the place of the call it replaces). */
  async enqueueWithRank(entry: Omit<QueueEntry, 'state' | 'agentId' | 'agentChannelId' | 'offeredAt' | 'connectedAt' | 'offers' | 'talkCallId'>): Promise<{ position: number; readyAgents: number }> {
    const { id, skill, rank, ...fields } = entry;
    const [position, readyAgents] = (await this.call('ENQUEUE', id, skill, rank, asStrings({ ...fields, id, offers: 0 }))) as [number, number];
    return { position: Number(position), readyAgents: Number(readyAgents) };
  }

  /** `more`: another caller was waiting, so matching again may pay; false when this was the last caller. */
  async match(skills: string[], minLevels: Record<string, number>, now: number): Promise<{ entryId: string; agentId: string; skill: string; more: boolean } | null> {
    if (skills.length === 0) return null;
    const result = (await this.call('MATCH', now, JSON.stringify(minLevels), ...skills)) as [string, string, string, number] | null;
    return result ? { entryId: result[0], agentId: result[1], skill: result[2], more: result[3] === 1 } : null;
  }

  /**
   * Records the agent leg of an offer still standing (`recorded`), with the entry and the agent as they are now
   * (null: gone), in one round trip.
   */
  async recordOfferLeg(entryId: string, agentId: string, agentChannelId: string): Promise<{ recorded: boolean; entry: QueueEntry | null; agent: AgentSnapshot | null }> {
    const [recorded, entry, agent] = (await this.call('OFFER_LEG', entryId, agentId, agentChannelId)) as [number, string[], string[]];
    return { recorded: recorded === 1, entry: entry.length > 0 ? toEntry(pairs(entry)) : null, agent: agent.length > 0 ? toAgent(agentId, pairs(agent)) : null };
  }

  /** Connects an entry offered to the agent; the connected entry and agent, or null when the offer is stale. */
  async connect(entryId: string, agentId: string, now: number): Promise<{ entry: QueueEntry; agent: AgentSnapshot } | null> {
    const [outcome, entry, agent] = (await this.call('CONNECT', entryId, agentId, now)) as [string, string[]?, string[]?];
    if (outcome !== 'OK') return null;
    return { entry: toEntry(pairs(entry!)), agent: toAgent(agentId, pairs(agent!)) };
  }

  async releaseOffer(entryId: string, agentId: string, outcome: 'rona' | 'failed', now: number): Promise<boolean> {
    return (await this.call('RELEASE_OFFER', entryId, agentId, outcome, now)) === 'OK';
  }

  async removeEntry(entryId: string, now: number): Promise<QueueEntry | null> {
    const flat = (await this.call('REMOVE_ENTRY', entryId, now)) as string[] | null;
    return flat ? toEntry(pairs(flat)) : null;
  }

  async endTalk(agentId: string, entryId: string, wrapUntil: number, now: number): Promise<Transition> {
    const [previous, next] = (await this.call('END_TALK', agentId, entryId, wrapUntil, now)) as [AgentStateName, AgentStateName];
    return { previous, next };
  }

  async wrapExpired(now: number): Promise<Array<{ agentId: string; state: AgentStateName }>> {
    const flat = (await this.call('WRAP_EXPIRED', now)) as string[];
    const changed: Array<{ agentId: string; state: AgentStateName }> = [];
    for (let i = 0; i < flat.length; i += 2) changed.push({ agentId: flat[i]!, state: flat[i + 1] as AgentStateName });
    return changed;
  }

  async moveEntry(entryId: string, toSkill: string): Promise<boolean> {
    return Number(await this.call('MOVE_ENTRY', entryId, toSkill)) === 1;
  }

  /** Plain field updates that decide nothing (where a connected callback's citizen leg is). */
  async updateEntry(entryId: string, fields: Record<string, string>): Promise<void> {
    await this.redis.hset(`${this.prefix}:entry:${entryId}`, fields);
  }

  /**
   * Puts back a talk that Asterisk still bridges after Redis lost the ACD state (AcdStateRebuilder): the
   * entry as connected and its agent on the call, as CONNECT had left them. Nothing is decided here.
   */
  async restoreTalk(entry: QueueEntry): Promise<void> {
    const { skill, ...fields } = entry;
    await this.redis
      .multi()
      .hset(`${this.prefix}:entry:${entry.id}`, { ...asStringRecord(fields), skill, state: 'connected' })
      .hset(`${this.prefix}:agent:${entry.agentId}`, { state: 'on_call', entryId: entry.id, callId: entry.callId, agentChannelId: entry.agentChannelId, since: String(entry.connectedAt) })
      .zrem(`${this.prefix}:ready:${skill}`, entry.agentId)
      .sadd(`${this.prefix}:skills`, skill)
      .exec();
  }

  /** A marker that exists as long as Redis keeps the ACD state; gone after Redis restarted empty. */
  async markStateKept(): Promise<void> {
    await this.redis.set(`${this.prefix}:state-kept`, String(Date.now()));
  }

  async stateKept(): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}:state-kept`)) === 1;
  }

  async entry(entryId: string): Promise<QueueEntry | null> {
    const fields = await this.redis.hgetall(`${this.prefix}:entry:${entryId}`);
    return Object.keys(fields).length > 0 ? toEntry(fields) : null;
  }

  /** An entry and the agent it names (null when it names none or that agent is gone), in one round trip. */
  async entryWithAgent(entryId: string): Promise<{ entry: QueueEntry; agent: AgentSnapshot | null } | null> {
    const [entry, agent] = (await this.call('ENTRY_WITH_AGENT', entryId)) as [string[], string[]];
    if (entry.length === 0) return null;
    const fields = toEntry(pairs(entry));
    return { entry: fields, agent: agent.length > 0 ? toAgent(fields.agentId, pairs(agent)) : null };
  }

  async agent(agentId: string): Promise<AgentSnapshot | null> {
    const fields = await this.redis.hgetall(`${this.prefix}:agent:${agentId}`);
    return Object.keys(fields).length > 0 ? toAgent(agentId, fields) : null;
  }

  async loggedInAgents(): Promise<AgentSnapshot[]> {
    const ids = await this.redis.smembers(`${this.prefix}:agents`);
    const agents = await Promise.all(ids.map((id) => this.agent(id)));
    return agents.filter((agent): agent is AgentSnapshot => agent !== null);
  }

  /** Agents ready for the skill right now. */
  async readyCount(skill: string): Promise<number> {
    return this.redis.zcard(`${this.prefix}:ready:${skill}`);
  }

  async skills(): Promise<string[]> {
    return this.redis.smembers(`${this.prefix}:skills`);
  }

  /** Entries of a skill's queue in order (waiting and offered). */
  async queue(skill: string): Promise<QueueEntry[]> {
    const ids = await this.redis.zrange(`${this.prefix}:queue:${skill}`, 0, -1);
    const entries = await Promise.all(ids.map((id) => this.entry(id)));
    return entries.filter((entry): entry is QueueEntry => entry !== null);
  }

  /** 1-based place in the queue (callers ahead + 1), or null when no longer queued. */
  async position(entryId: string, skill: string): Promise<number | null> {
    const rank = await this.redis.zrank(`${this.prefix}:queue:${skill}`, entryId);
    return rank === null ? null : rank + 1;
  }

  /** Every entry still in Redis, including connected ones (no longer in a queue zset). */
  async allEntries(): Promise<QueueEntry[]> {
    const entries: QueueEntry[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}:entry:*`, 'COUNT', 500);
      for (const key of keys) {
        const fields = await this.redis.hgetall(key);
        if (Object.keys(fields).length > 0) entries.push(toEntry(fields));
      }
      cursor = next;
    } while (cursor !== '0');
    return entries;
  }

  /** Rolling handle time (seconds) per skill: exponentially weighted, so recent calls count most. */
  async handleTime(skill: string): Promise<number | null> {
    const value = await this.redis.hget(`${this.prefix}:stats:${skill}`, 'handleTime');
    return value === null ? null : Number(value);
  }

  async recordHandleTime(skill: string, seconds: number, weight = 0.2): Promise<void> {
    await this.call('HANDLE_TIME', skill, seconds, weight);
  }

  private async call(name: ScriptName, ...args: Array<string | number>): Promise<unknown> {
    try {
      return await this.scripts[name](this.prefix, ...args);
    } catch (error) {
      const message = (error as Error).message;
      const code = Object.values(AcdErrorCode).find((candidate) => message.startsWith(candidate));
      if (code) throw new AcdRefusedError(code, message);
      throw error;
    }
  }
}

/** Lua would print large numbers in exponent form; every field goes in as the exact string. */
function asStrings(fields: Record<string, string | number>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, String(value)])));
}

function asStringRecord(fields: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, String(value)]));
}

function pairs(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

function toEntry(fields: Record<string, string>): QueueEntry {
  const n = (value: string | undefined) => (value ? Number(value) : 0);
  return {
    id: fields.id ?? '',
    kind: (fields.kind as EntryKind) ?? 'live',
    callId: fields.callId ?? '',
    channelId: fields.channelId ?? '',
    callerNumber: fields.callerNumber ?? '',
    skill: fields.skill ?? '',
    originSkill: fields.originSkill ?? fields.skill ?? '',
    priority: n(fields.priority),
    rank: n(fields.rank),
    enqueuedAt: n(fields.enqueuedAt),
    state: (fields.state as EntryState) ?? 'waiting',
    agentId: fields.agentId ?? '',
    agentChannelId: fields.agentChannelId ?? '',
    offeredAt: n(fields.offeredAt),
    connectedAt: n(fields.connectedAt),
    offers: n(fields.offers),
    callbackId: fields.callbackId ?? '',
    talkCallId: fields.talkCallId ?? '',
  };
}

function toAgent(id: string, fields: Record<string, string>): AgentSnapshot {
  return {
    id,
    name: fields.name ?? id,
    state: (fields.state as AgentStateName) ?? 'logged_out',
    reason: fields.reason ?? '',
    seat: fields.seat ?? '',
    skills: fields.skills ? (JSON.parse(fields.skills) as Record<string, number>) : {},
    since: Number(fields.since ?? 0),
    readySince: Number(fields.readySince ?? 0),
    entryId: fields.entryId ?? '',
    callId: fields.callId ?? '',
    agentChannelId: fields.agentChannelId ?? '',
    wrapUntil: Number(fields.wrapUntil ?? 0),
  };
}
