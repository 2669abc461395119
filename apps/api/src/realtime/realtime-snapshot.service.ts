import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, hasRole, isUnitScoped, Role } from '@hotline/org';
import { DUE_SOON_HOURS } from '@hotline/work-orders';
import {
  CallCountsSnapshot,
  CallerNumberVisibility,
  LiveCallSnapshot,
  RealtimeSnapshot,
  UnitInboxSnapshot,
} from '@hotline/realtime';
import { maskCallerNumber } from './caller-number.mask';
import { AcdStateStore } from './acd-state.store';
import { AgentDirectory } from './agent-directory.service';
import { SystemAlarmReader } from '../alarms/system-alarm.reader';

/** Calls still "up" in the record longer than this are stale rows (a crashed call-control), not live calls. */
const LIVE_CALL_MAX_AGE_HOURS = 12;

/** Roles that talk to callers and so see their full number on live calls. */
const FULL_NUMBER_ROLES = [Role.Agent, Role.Supervisor, Role.Quality] as const;

export function callerNumberVisibility(actor: Actor): CallerNumberVisibility {
  return hasRole(actor, ...FULL_NUMBER_ROLES) ? 'full' : 'masked';
}

/** Roles that watch the floor: the wallboard's audience, and the only one told who is monitoring which call. */
export function watchesFloor(actor: Actor): boolean {
  return hasRole(actor, Role.Supervisor, Role.Quality, Role.Admin);
}

/**
 * What a client needs to draw its live screens after (re)connecting, read from the record (Postgres), so a
 * blip or an api restart loses nothing the browser had.
 */
@Injectable()
export class RealtimeSnapshotService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly acd: AcdStateStore,
    private readonly agents: AgentDirectory,
    private readonly alarms: SystemAlarmReader,
  ) {}

  async snapshotFor(actor: Actor & { userId: string }, rooms: string[]): Promise<RealtimeSnapshot> {
    const unitScoped = isUnitScoped(actor.roles);
    const visibility = callerNumberVisibility(actor);
    const [calls, unitInbox, agent, agentStates, alarms] = await Promise.all([
      unitScoped ? null : this.calls(visibility),
      unitScoped && actor.unitId ? this.unitInbox(actor.unitId) : null,
      unitScoped ? null : this.agents.ownAgent(actor.userId),
      unitScoped ? [] : this.agents.agentStates(),
      watchesFloor(actor) ? this.alarms.recent() : [],
    ]);
    return {
      serverTime: new Date().toISOString(),
      user: { id: actor.userId, username: actor.username, roles: actor.roles, unitId: actor.unitId },
      agent,
      rooms,
      callerNumbers: visibility,
      calls,
      unitInbox,
      acd: unitScoped ? null : this.acd.current(agentStates),
      alarms,
    };
  }

  private async calls(visibility: CallerNumberVisibility): Promise<{ live: LiveCallSnapshot[]; today: CallCountsSnapshot }> {
    const live: { id: string; channel_id: string; caller_number: string | null; dialed_number: string; status: 'ringing' | 'answered'; started_at: Date; answered_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT id, channel_id, caller_number, dialed_number, status, started_at, answered_at FROM calls
          WHERE status <> 'ended' AND started_at > now() - make_interval(hours => $1) ORDER BY started_at`,
        [LIVE_CALL_MAX_AGE_HOURS],
      );
    // The hotline's day is China's day, whatever the server's zone.
    const [today]: { day: string; started: string; answered: string; abandoned: string; ended: string }[] = await this.dataSource.query(
      `SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day,
              count(*) AS started,
              count(*) FILTER (WHERE answered_at IS NOT NULL) AS answered,
              count(*) FILTER (WHERE status = 'ended' AND answered_at IS NULL) AS abandoned,
              count(*) FILTER (WHERE status = 'ended') AS ended
         FROM calls
        WHERE started_at >= (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai')`,
    );
    return {
      live: live.map((row) => ({
        callId: row.id,
        channelId: row.channel_id,
        callerNumber: maskCallerNumber(row.caller_number, visibility),
        dialedNumber: row.dialed_number,
        status: row.status,
        startedAt: new Date(row.started_at).toISOString(),
        answeredAt: row.answered_at ? new Date(row.answered_at).toISOString() : null,
      })),
      today: {
        day: today?.day ?? '',
        started: Number(today?.started ?? 0),
        answered: Number(today?.answered ?? 0),
        abandoned: Number(today?.abandoned ?? 0),
        ended: Number(today?.ended ?? 0),
      },
    };
  }

  private async unitInbox(unitId: string): Promise<UnitInboxSnapshot> {
    const [row]: { to_sign: string; handling: string; due_soon: string; overdue: string }[] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE o.status = 'dispatched') AS to_sign,
              count(*) FILTER (WHERE o.status = 'handling') AS handling,
              count(*) FILTER (WHERE o.handle_due_at > now() AND o.handle_due_at <= now() + make_interval(hours => $2)) AS due_soon,
              count(*) FILTER (WHERE o.handle_due_at <= now()) AS overdue
         FROM work_orders o
         JOIN work_order_assignments a ON a.order_id = o.id AND a.active AND a.unit_id = $1
        WHERE o.status IN ('dispatched', 'handling', 'returned', 'in_arbitration')`,
      [unitId, DUE_SOON_HOURS],
    );
    return {
      unitId,
      toSign: Number(row?.to_sign ?? 0),
      handling: Number(row?.handling ?? 0),
      dueSoon: Number(row?.due_soon ?? 0),
      overdue: Number(row?.overdue ?? 0),
    };
  }
}
