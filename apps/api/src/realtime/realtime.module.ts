import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuthModule } from '@hotline/auth';
import { SystemAlarmModule } from '../alarms/system-alarm.module';
import { CallControlClientModule } from '../call-control/call-control-client.module';
import { AcdStateStore } from './acd-state.store';
import { AgentDirectory } from './agent-directory.service';
import { HotlineEventRelay } from './hotline-event.relay';
import { RealtimeFanout } from './realtime-fanout.service';
import { RealtimeRedisAdapter } from './realtime-redis.adapter';
import { RealtimeSessionService } from './realtime-session.service';
import { RealtimeSnapshotService } from './realtime-snapshot.service';
import { RealtimeGateway } from './realtime.gateway';
import { WorkOrderChangeInterceptor } from './work-order-change.interceptor';
import { WorkOrderChangeNotifier } from './work-order-change.notifier';

/**
 * socket.io at /api/socket.io: JWT handshake, rooms per user, unit, centre, supervisors and queue, the
 * Redis hotline events and work-order changes pushed to them, a snapshot on every (re)connection.
 * Needs ConfigModule, DatabaseModule and RedisModule from the root (as ApiModule provides them).
 */
@Module({
  imports: [AuthModule, CallControlClientModule, SystemAlarmModule],
  providers: [
    RealtimeGateway,
    RealtimeSessionService,
    RealtimeSnapshotService,
    RealtimeFanout,
    RealtimeRedisAdapter,
    HotlineEventRelay,
    AcdStateStore,
    AgentDirectory,
    WorkOrderChangeNotifier,
    { provide: APP_INTERCEPTOR, useClass: WorkOrderChangeInterceptor },
  ],
})
export class RealtimeModule {}
