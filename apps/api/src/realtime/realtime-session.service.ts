import { Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { AuthenticationError, AuthService } from '@hotline/auth';
import { Actor, isUnitScoped } from '@hotline/org';
import { ClientToServerEvents, realtimeRooms, RealtimeRefusal, ServerToClientEvents } from '@hotline/realtime';
import { AgentDirectory } from './agent-directory.service';
import { callerNumberVisibility, RealtimeSnapshotService, watchesFloor } from './realtime-snapshot.service';

export type AuthenticatedActor = Actor & { userId: string };

interface SocketData {
  actor?: AuthenticatedActor;
  /** The user's ACD agent code, when they are one (looked up at connection). */
  agentId?: string | null;
}

export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Handshake authentication, room membership and snapshots: who a connection is and what it may hear. */
@Injectable()
export class RealtimeSessionService {
  private readonly logger = new Logger(RealtimeSessionService.name);

  constructor(
    private readonly auth: AuthService,
    private readonly snapshots: RealtimeSnapshotService,
    private readonly agents: AgentDirectory,
  ) {}

  /**
   * socket.io middleware: the JWT comes in `auth.token` of the handshake (not the query string, which ends
   * up in proxy logs). Refused connections get `connect_error` with a RealtimeRefusal code as message.
   */
  async authenticate(socket: RealtimeSocket): Promise<void> {
    const token: unknown = socket.handshake.auth?.token;
    if (typeof token !== 'string' || token.length === 0) throw refusal('TOKEN_MISSING');
    try {
      const actor = await this.auth.authenticate(token);
      // Tokens are always issued to a user; the system actor (userId null) never logs in.
      if (actor.userId === null) throw refusal('TOKEN_INVALID');
      socket.data.actor = { ...actor, userId: actor.userId };
    } catch (error) {
      if (error instanceof AuthenticationError) throw refusal('TOKEN_INVALID');
      throw error;
    }
  }

  roomsFor(actor: AuthenticatedActor, agentId: string | null = null): string[] {
    const rooms = [realtimeRooms.user(actor.userId)];
    if (agentId) rooms.push(realtimeRooms.agent(agentId));
    if (isUnitScoped(actor.roles)) {
      if (actor.unitId) rooms.push(realtimeRooms.unit(actor.unitId));
      return rooms;
    }
    rooms.push(realtimeRooms.centre);
    rooms.push(callerNumberVisibility(actor) === 'full' ? realtimeRooms.callsFull : realtimeRooms.callsMasked);
    if (watchesFloor(actor)) rooms.push(realtimeRooms.supervisors);
    return rooms;
  }

  /** Joins the rooms, then sends the snapshot: events after the join are not lost between the two. */
  async connect(socket: RealtimeSocket): Promise<void> {
    const actor = this.actorOf(socket);
    const agent = isUnitScoped(actor.roles) ? null : await this.agents.ownAgent(actor.userId);
    socket.data.agentId = agent?.agentId ?? null;
    const rooms = this.roomsFor(actor, socket.data.agentId);
    await socket.join(rooms);
    await this.sendSnapshot(socket);
    this.logger.debug(`${actor.username} connected (${rooms.join(', ')})`);
  }

  async sendSnapshot(socket: RealtimeSocket): Promise<void> {
    const actor = this.actorOf(socket);
    socket.emit('snapshot', await this.snapshots.snapshotFor(actor, this.roomsFor(actor, socket.data.agentId ?? null)));
  }

  /** The connection's agent code, or a refusal: only an ACD agent can set an agent state. */
  agentOf(socket: RealtimeSocket): { agentId: string; username: string } | null {
    const agentId = socket.data.agentId;
    return agentId ? { agentId, username: this.actorOf(socket).username } : null;
  }

  private actorOf(socket: RealtimeSocket): AuthenticatedActor {
    const actor = socket.data.actor;
    if (!actor) throw new Error('Socket reached the gateway without an authenticated actor');
    return actor;
  }
}

function refusal(code: RealtimeRefusal): Error {
  const error = new Error(code);
  (error as Error & { data: { code: RealtimeRefusal } }).data = { code };
  return error;
}
