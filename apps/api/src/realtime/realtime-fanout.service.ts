import { Injectable, Logger } from '@nestjs/common';
import type { Server } from 'socket.io';
import { CallStartedPayload, ClientToServerEvents, HotlineEvent, isSupervisorOnlyEvent, realtimeRooms, ServerToClientEvents, WorkOrderChangedPayload } from '@hotline/realtime';
import { maskCallerNumber } from './caller-number.mask';

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents>;

/** Decides which rooms an event goes to, and in what form. The only place that emits to rooms. */
@Injectable()
export class RealtimeFanout {
  private readonly logger = new Logger(RealtimeFanout.name);
  private server: RealtimeServer | null = null;

  attach(server: RealtimeServer): void {
    this.server = server;
  }

  /**
   * Hotline events arrive on every api instance from Redis, so each delivers them to its own sockets only
   * (`local`); going through the adapter would hand every client one copy per instance. One emit per
   * audience, with all its rooms at once, so a socket in two of them still gets the event once.
   */
  hotlineEvent(event: HotlineEvent): void {
    const server = this.requireServer();
    const agentId = agentOf(event);
    const agentRoom = agentId ? [realtimeRooms.agent(agentId)] : [];
    if (isSupervisorOnlyEvent(event)) {
      server.local.to(realtimeRooms.supervisors).emit('hotline.event', event);
      return;
    }
    if (event.type === 'agent.state-changed' || event.type === 'queue.stats') {
      // The wallboard's, and the agent's own state; no caller identity in them.
      server.local.to([realtimeRooms.supervisors, ...agentRoom]).emit('hotline.event', event);
      return;
    }
    // call.* and recording.*: the centre, with the caller's number as each role may see it.
    server.local.to([realtimeRooms.callsFull, ...agentRoom]).emit('hotline.event', event);
    server.local.to(realtimeRooms.callsMasked).except(agentRoom).emit('hotline.event', maskedCallEvent(event));
  }

  /**
   * A work-order command succeeded on this instance: the adapter carries it to the centre and to each
   * involved unit on every instance. The payload has no caller identity, so confidential orders are safe.
   */
  workOrderChanged(change: WorkOrderChangedPayload): void {
    const rooms = [realtimeRooms.centre, ...change.unitIds.map(realtimeRooms.unit)];
    this.requireServer().to(rooms).emit('work-order.changed', change);
  }

  private requireServer(): RealtimeServer {
    if (!this.server) {
      // Only possible if an event arrives before the gateway initialised: a wiring bug, not a runtime state.
      this.logger.error('The realtime server is not initialised yet');
      throw new Error('Realtime server not initialised');
    }
    return this.server;
  }
}

/** Events that concern one agent (an offer, a draft order, their state) also go to that agent's own room. */
function agentOf(event: HotlineEvent): string | null {
  const agentId = (event.payload as { agentId?: unknown }).agentId;
  return typeof agentId === 'string' && agentId.length > 0 ? agentId : null;
}

/** The caller's number appears in call.started, the screen pop and a callback request; everything else carries none. */
function maskedCallEvent(event: HotlineEvent): HotlineEvent {
  if (event.type === 'call.started') {
    const payload = event.payload as CallStartedPayload;
    return { ...event, payload: { ...payload, callerNumber: maskCallerNumber(payload.callerNumber, 'masked') } };
  }
  if (event.type === 'call.work-order-draft') {
    // The screen pop (issue 5) carries the caller's number for the agent who answered.
    const payload = (event as HotlineEvent<'call.work-order-draft'>).payload;
    return { ...event, payload: { ...payload, callerNumber: maskCallerNumber(payload.callerNumber, 'masked') } };
  }
  if (event.type === 'call.callback') {
    const payload = (event as HotlineEvent<'call.callback'>).payload;
    return { ...event, payload: { ...payload, number: maskCallerNumber(payload.number, 'masked') ?? '' } };
  }
  return event;
}
