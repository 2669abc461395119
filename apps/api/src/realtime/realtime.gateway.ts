import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { DomainError } from '@hotline/common';
import { REALTIME_SOCKET_PATH, RealtimeCommandAck } from '@hotline/realtime';
import { CallControlClient } from '../call-control/call-control.client';
import { parseAgentStateRequest } from './agent-state.command';
import { HotlineEventRelay } from './hotline-event.relay';
import { RealtimeFanout, RealtimeServer } from './realtime-fanout.service';
import { RealtimeRedisAdapter } from './realtime-redis.adapter';
import { RealtimeSessionService, RealtimeSocket } from './realtime-session.service';

/**
 * Thin: wires socket.io to the services. Same origin as the web app (the api serves it), so no CORS.
 * Socket.io's own long-polling would need sticky sessions across instances; clients use websocket only.
 */
@WebSocketGateway({ path: REALTIME_SOCKET_PATH, serveClient: false, transports: ['websocket'] })
export class RealtimeGateway implements OnGatewayInit<RealtimeServer>, OnGatewayConnection<RealtimeSocket> {
  private readonly logger = new Logger(RealtimeGateway.name);

  constructor(
    private readonly sessions: RealtimeSessionService,
    private readonly fanout: RealtimeFanout,
    private readonly adapter: RealtimeRedisAdapter,
    private readonly relay: HotlineEventRelay,
    private readonly callControl: CallControlClient,
  ) {}

  afterInit(server: RealtimeServer): void {
    this.adapter.attach(server);
    this.fanout.attach(server);
    server.use((socket, next) => {
      this.sessions.authenticate(socket).then(
        () => next(),
        (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
      );
    });
    this.relay.onResubscribed(() => {
      for (const socket of server.sockets.sockets.values()) {
        this.sessions.sendSnapshot(socket).catch((error: unknown) => this.logger.error(`Could not resend a snapshot: ${String(error)}`));
      }
    });
  }

  async handleConnection(socket: RealtimeSocket): Promise<void> {
    try {
      await this.sessions.connect(socket);
    } catch (error) {
      // Without rooms and a snapshot the client would show stale data as if live: better to drop it and let it retry.
      this.logger.error(`Could not set up a realtime connection: ${error instanceof Error ? error.message : String(error)}`);
      socket.disconnect(true);
    }
  }

  @SubscribeMessage('snapshot.request')
  async snapshotRequest(@ConnectedSocket() socket: RealtimeSocket): Promise<void> {
    await this.sessions.sendSnapshot(socket);
  }

  /**
   * Ready / not ready from the agent desk. Answered with an ack; the state itself comes back as the
   * `agent.state-changed` event call-control publishes, so every screen shows the same truth.
   */
  @SubscribeMessage('agent.set-state')
  async setAgentState(@ConnectedSocket() socket: RealtimeSocket, @MessageBody() body: unknown): Promise<RealtimeCommandAck> {
    const agent = this.sessions.agentOf(socket);
    if (!agent) return { ok: false, code: 'NOT_AN_AGENT', message: 'This login is not an ACD agent' };
    const request = parseAgentStateRequest(body);
    if ('error' in request) return { ok: false, code: 'VALIDATION_FAILED', message: request.error };
    try {
      await this.callControl.send('agent.set-state', { agentId: agent.agentId, state: request.state, reason: request.reason, requestedBy: agent.username });
      return { ok: true };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, code: error.code, message: error.message };
      // call-control unreachable (ServiceUnavailableException) or a bug: the agent sees why, the log keeps it.
      this.logger.warn(`agent.set-state for ${agent.agentId} failed: ${error instanceof Error ? error.message : String(error)}`);
      return { ok: false, code: 'CALL_CONTROL_UNAVAILABLE', message: error instanceof Error ? error.message : String(error) };
    }
  }
}
