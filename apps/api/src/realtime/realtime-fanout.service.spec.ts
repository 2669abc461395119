import type { HotlineEvent, WorkOrderChangedPayload } from '@hotline/realtime';
import { RealtimeFanout, RealtimeServer } from './realtime-fanout.service';

interface Emitted {
  via: 'local' | 'adapter';
  rooms: string[];
  except: string[];
  event: string;
  payload: unknown;
}

/** Records what would be emitted to which rooms, through the adapter or to this instance's sockets only. */
function fakeServer(emitted: Emitted[]): RealtimeServer {
  const operator = (via: Emitted['via'], rooms: string[], except: string[] = []) => ({
    except: (more: string | string[]) => operator(via, rooms, [...except, ...[more].flat()]),
    emit: (event: string, payload: unknown) => emitted.push({ via, rooms, except, event, payload }),
  });
  const to = (via: Emitted['via']) => (rooms: string | string[]) => operator(via, [rooms].flat());
  return { local: { to: to('local') }, to: to('adapter') } as unknown as RealtimeServer;
}

const event = <T extends HotlineEvent['type']>(type: T, payload: Record<string, unknown>): HotlineEvent =>
  ({ id: 'e1', type, version: 1, occurredAt: '2026-11-23T10:00:00.000Z', payload }) as unknown as HotlineEvent;

describe('RealtimeFanout', () => {
  let emitted: Emitted[];
  let fanout: RealtimeFanout;

  beforeEach(() => {
    emitted = [];
    fanout = new RealtimeFanout();
    fanout.attach(fakeServer(emitted));
  });

  it('sends call events locally, full to the talking roles and masked to the others', () => {
    fanout.hotlineEvent(event('call.started', { callId: 'c1', channelId: 'ch', callerNumber: '13912345678', dialedNumber: '12345', startedAt: '' }));
    expect(emitted.map(({ via, rooms, except }) => ({ via, rooms, except }))).toEqual([
      { via: 'local', rooms: ['calls:full'], except: [] },
      { via: 'local', rooms: ['calls:masked'], except: [] },
    ]);
    expect((emitted[0]!.payload as HotlineEvent<'call.started'>).payload.callerNumber).toBe('13912345678');
    expect((emitted[1]!.payload as HotlineEvent<'call.started'>).payload.callerNumber).toBe('139****5678');
  });

  it('masks the number of a callback request too', () => {
    fanout.hotlineEvent(event('call.callback', { callId: 'c1', channelId: 'ch', callbackId: 'b', number: '13912345678', skill: 'general', state: 'requested' }));
    expect((emitted[1]!.payload as HotlineEvent<'call.callback'>).payload.number).toBe('139****5678');
  });

  it("sends the screen pop (issue 5) to the answering agent with the caller's number, masked to the others", () => {
    fanout.hotlineEvent(event('call.work-order-draft', { callId: 'c1', channelId: 'ch', draftId: 'd', agentId: 'a1', callerNumber: '13912345678', link: 'draft', attachedOrder: null, openOrderId: null, previousOrders: [], lineTag: '12345' }));
    expect(emitted.map(({ rooms, except }) => ({ rooms, except }))).toEqual([
      { rooms: ['calls:full', 'agent:a1'], except: [] },
      { rooms: ['calls:masked'], except: ['agent:a1'] },
    ]);
    expect((emitted[0]!.payload as HotlineEvent<'call.work-order-draft'>).payload.callerNumber).toBe('13912345678');
    expect((emitted[1]!.payload as HotlineEvent<'call.work-order-draft'>).payload.callerNumber).toBe('139****5678');
  });

  it('also sends an agent their own offers, once, and keeps them out of the masked copy', () => {
    fanout.hotlineEvent(event('call.offered', { callId: 'c1', channelId: 'ch', skill: 'general', agentId: 'u7', seat: '1001', agentChannelId: 'a' }));
    expect(emitted.map(({ rooms, except }) => ({ rooms, except }))).toEqual([
      { rooms: ['calls:full', 'agent:u7'], except: [] },
      { rooms: ['calls:masked'], except: ['agent:u7'] },
    ]);
  });

  it('sends supervision events (who monitors which call) to supervisors only, never to the monitored agent', () => {
    fanout.hotlineEvent(event('supervision.changed', { callId: 'c1', channelId: 'ch', supervisionId: 's', supervisorUserId: 'u', supervisor: 'supervisor', seat: 'seat-sup', agentId: 'u7', mode: 'listen', state: 'active', previousMode: null, reason: null }));
    expect(emitted.map(({ via, rooms, except }) => ({ via, rooms, except }))).toEqual([{ via: 'local', rooms: ['supervisors'], except: [] }]);
  });

  it('sends platform alarms (lost calls, Asterisk run times) to the floor staff only', () => {
    fanout.hotlineEvent(event('system.alarm', { alarm: 'asterisk_restart', severity: 'critical', message: 'm', asteriskStartedAt: 'b', previousAsteriskStartedAt: 'a', lostCallIds: ['c1'] }));
    expect(emitted.map(({ via, rooms, except }) => ({ via, rooms, except }))).toEqual([{ via: 'local', rooms: ['supervisors'], except: [] }]);
  });

  it('sends queue stats and agent states to the wallboard group (and the agent), never to call rooms', () => {
    fanout.hotlineEvent(event('agent.state-changed', { agentId: 'u7', state: 'ready', previousState: 'wrap_up', reason: null, seat: '1001', callId: null }));
    fanout.hotlineEvent(event('queue.stats', { skill: 'general', waiting: 1 }));
    expect(emitted.map(({ via, rooms }) => ({ via, rooms }))).toEqual([
      { via: 'local', rooms: ['supervisors', 'agent:u7'] },
      { via: 'local', rooms: ['supervisors'] },
    ]);
  });

  it('sends work-order changes through the adapter to the centre and every involved unit', () => {
    const change: WorkOrderChangedPayload = {
      orderId: 'o1',
      number: '2026112300001',
      status: 'dispatched',
      version: 2,
      command: 'dispatch',
      leadUnitId: 'u-market',
      unitIds: ['u-market', 'u-housing'],
      deadlineState: 'on_time',
      handleDueAt: null,
      changedAt: '',
    };
    fanout.workOrderChanged(change);
    expect(emitted).toEqual([{ via: 'adapter', rooms: ['centre', 'unit:u-market', 'unit:u-housing'], except: [], event: 'work-order.changed', payload: change }]);
  });
});
