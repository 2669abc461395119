import { AppConfig } from '@hotline/config';
import { Clock } from '@hotline/common';
import { AriChannel, AriGateway } from '@hotline/telephony';
import { AcdService } from '../acd/acd.service';
import { AgentPresenceService } from '../acd/agent-presence.service';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallRecordErrorCode, CallRecordNotWrittenError } from '../calls/call-record.errors';
import { CallSession, CallSessionRegistry } from '../calls/call-session.registry';
import { SupervisionAuditRepository } from './supervision-audit.repository';
import { SupervisionService } from './supervision.service';

const CALL_ID = '11111111-1111-4111-8111-111111111111';
const SUPERVISOR = '22222222-2222-4222-8222-222222222222';

/** Records every ARI request in order, so the tests can read what call-control asked Asterisk to do. */
class FakeAri implements Partial<AriGateway> {
  readonly log: string[] = [];
  onConnected = jest.fn();
  originate = jest.fn(async (request: { channelId: string; endpoint: string }) => {
    this.log.push(`originate ${request.endpoint} ${request.channelId}`);
    return {} as AriChannel;
  });
  createBridge = jest.fn(async (id: string) => void this.log.push(`create ${id}`));
  addToBridge = jest.fn(async (id: string, channels: string[]) => void this.log.push(`add ${id} ${channels.join(',')}`));
  removeFromBridge = jest.fn(async (id: string, channels: string[]) => void this.log.push(`remove ${id} ${channels.join(',')}`));
  destroyBridge = jest.fn(async (id: string) => void this.log.push(`destroy ${id}`));
  hangup = jest.fn(async (id: string) => void this.log.push(`hangup ${id}`));
  snoop = jest.fn(async (request: { channelId: string; snoopId: string; whisper: string }) => {
    this.log.push(`snoop ${request.channelId} whisper=${request.whisper}`);
    return { id: request.snoopId } as AriChannel;
  });
}

function setup(phase: CallSession['phase'] = 'talk') {
  const ari = new FakeAri();
  const sessions = new CallSessionRegistry();
  const session = { callId: CALL_ID, channelId: 'citizen-1', phase, entryId: CALL_ID, hangupCause: null, io: { ended: false } } as unknown as CallSession;
  sessions.add(session);
  const talk = phase === 'talk' ? { entryId: CALL_ID, bridgeId: `acd-bridge-${CALL_ID}`, agentId: 'a1', agentChannelId: 'agent-leg', skill: 'general' } : null;
  const acd = { talkOf: jest.fn(async () => talk), agentReplaced: jest.fn(async () => true) };
  const audit = { rows: [] as Array<{ id: string; mode: string; end?: string }> } as { rows: Array<{ id: string; mode: string; end?: string }> } & Record<string, jest.Mock>;
  audit.start = jest.fn(async (row: { mode: string }) => {
    audit.rows.push({ id: `row-${audit.rows.length + 1}`, mode: row.mode });
    return `row-${audit.rows.length}`;
  });
  audit.end = jest.fn(async (id: string, _at: Date, reason: string) => void (audit.rows.find((row) => row.id === id)!.end = reason));
  audit.oneOff = jest.fn(async () => 'one-off');
  const events = { published: [] as Array<{ type: string; payload: Record<string, unknown> }>, publish: jest.fn() };
  events.publish.mockImplementation(async (type: string, _at: Date, payload: Record<string, unknown>) => void events.published.push({ type, payload }));
  const calls = { findById: jest.fn(async () => null), afterCallRow: jest.fn(async (_callId: string, write: () => Promise<unknown>) => write()) };
  const clock: Clock = { now: () => new Date('2026-12-01T08:00:00Z') } as Clock;
  const service = new SupervisionService(
    ari as unknown as AriGateway,
    clock,
    { HOTLINE_NUMBER: '12345', ARI_APP: 'hotline' } as AppConfig,
    sessions,
    calls as unknown as CallLogRepository,
    acd as unknown as AcdService,
    {} as AgentPresenceService,
    audit as unknown as SupervisionAuditRepository,
    events as unknown as CallEventPublisher,
  );
  return { service, ari, session, acd, audit, events, calls };
}

const monitor = (service: SupervisionService, mode: 'listen' | 'whisper' | 'barge' | 'take_over') =>
  service.monitor({ callId: CALL_ID, mode, supervisorUserId: SUPERVISOR, seat: 'seat-sup', requestedBy: 'supervisor' });

/** The seat leg's id comes from the originate call; StasisStart of the leg and of each snoop are replayed. */
async function answer(service: SupervisionService, ari: FakeAri): Promise<string> {
  const legId = ari.originate.mock.calls[0]![0].channelId;
  await service.channelEntered({ id: legId } as AriChannel, ['supervisor', legId.replace(/^sup-/, '')]);
  return legId;
}

async function snoopEntered(service: SupervisionService, ari: FakeAri, legId: string): Promise<void> {
  const last = ari.snoop.mock.calls.at(-1)![0];
  await service.channelEntered({ id: last.snoopId } as AriChannel, ['supervisor-snoop', legId.replace(/^sup-/, '')]);
}

describe('SupervisionService', () => {
  it('rings the seat once and moves it between a snoop (listen, whisper) and the call bridge (barge)', async () => {
    const { service, ari, audit } = setup();
    expect(await monitor(service, 'listen')).toMatchObject({ mode: 'listen', state: 'dialling' });
    const legId = await answer(service, ari);
    await snoopEntered(service, ari, legId);
    const privateBridge = `sup-bridge-${legId.replace(/^sup-/, '')}`;
    expect(ari.log).toEqual([`originate PJSIP/seat-sup ${legId}`, `create ${privateBridge}`, `add ${privateBridge} ${legId}`, 'snoop agent-leg whisper=none', `add ${privateBridge} ${ari.snoop.mock.calls[0]![0].snoopId}`]);

    ari.log.length = 0;
    expect(await monitor(service, 'whisper')).toMatchObject({ mode: 'whisper', state: 'active' });
    expect(ari.log).toEqual([`hangup ${ari.snoop.mock.calls[0]![0].snoopId}`, 'snoop agent-leg whisper=out']);

    ari.log.length = 0;
    await monitor(service, 'barge');
    expect(ari.log).toEqual([`hangup ${ari.snoop.mock.calls[1]![0].snoopId}`, `remove ${privateBridge} ${legId}`, `add acd-bridge-${CALL_ID} ${legId}`]);

    ari.log.length = 0;
    await monitor(service, 'listen');
    expect(ari.log).toEqual([`remove acd-bridge-${CALL_ID} ${legId}`, `add ${privateBridge} ${legId}`, 'snoop agent-leg whisper=none']);
    expect(ari.originate).toHaveBeenCalledTimes(1);
    expect(audit.rows.map((row) => [row.mode, row.end])).toEqual([
      ['listen', 'switched-to-whisper'],
      ['whisper', 'switched-to-barge'],
      ['barge', 'switched-to-listen'],
      ['listen', undefined],
    ]);
  });

  it('hangs up a snoop that a quicker mode switch already replaced', async () => {
    const { service, ari } = setup();
    await monitor(service, 'listen');
    const legId = await answer(service, ari);
    const stale = ari.snoop.mock.calls[0]![0].snoopId;
    await monitor(service, 'whisper');
    ari.log.length = 0;
    await service.channelEntered({ id: stale } as AriChannel, ['supervisor-snoop', legId.replace(/^sup-/, '')]);
    expect(ari.log).toEqual([`hangup ${stale}`]);
  });

  it('cleans up when the call ends: seat leg and snoop hung up, private bridge destroyed, audit row closed', async () => {
    const { service, ari, audit, events } = setup();
    await monitor(service, 'listen');
    const legId = await answer(service, ari);
    ari.log.length = 0;
    service.channelGone('citizen-1');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ari.log).toEqual(expect.arrayContaining([`hangup ${legId}`, `destroy sup-bridge-${legId.replace(/^sup-/, '')}`]));
    expect(audit.rows.at(-1)).toMatchObject({ mode: 'listen', end: 'call-ended' });
    expect(events.published.at(-1)).toMatchObject({ type: 'supervision.changed', payload: { state: 'ended', reason: 'call-ended' } });
  });

  it('after a take-over the agent leaving does not end the supervision; the supervisor leaving ends the call', async () => {
    const { service, ari, acd, session } = setup();
    await monitor(service, 'listen');
    const legId = await answer(service, ari);
    await monitor(service, 'take_over');
    expect(acd.agentReplaced).toHaveBeenCalledWith(CALL_ID);
    service.channelGone('agent-leg');
    await new Promise((resolve) => setImmediate(resolve));
    expect(ari.log).not.toContain(`hangup ${legId}`);
    await expect(monitor(service, 'listen')).rejects.toMatchObject({ code: 'ALREADY_TAKEN_OVER' });

    service.channelGone(legId);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ari.log).toEqual(expect.arrayContaining(['hangup citizen-1', `destroy acd-bridge-${CALL_ID}`]));
    expect(session.hangupCause).toBe(16);
  });

  it("refuses to supervise while the call's row cannot be written (no audit row, no supervision): nothing dialled, nothing left", async () => {
    const { service, ari, audit, events, calls } = setup();
    calls.afterCallRow.mockRejectedValueOnce(new CallRecordNotWrittenError(CALL_ID, 5_000));
    await expect(monitor(service, 'listen')).rejects.toMatchObject({ code: CallRecordErrorCode.NotWritten, kind: 'unavailable', message: expect.stringContaining(CALL_ID) });
    expect(ari.originate).not.toHaveBeenCalled();
    expect(audit.start).not.toHaveBeenCalled();
    expect(events.published).toEqual([]);
    // Once Postgres has caught up the same request goes through: no leg of the refused attempt is in the way.
    expect(await monitor(service, 'listen')).toMatchObject({ mode: 'listen', state: 'dialling' });
  });

  it('refuses calls that are not talking to an agent, and unknown calls', async () => {
    const queued = setup('queue');
    await expect(monitor(queued.service, 'listen')).rejects.toMatchObject({ code: 'CALL_NOT_IN_TALK', kind: 'conflict' });
    await expect(queued.service.monitor({ callId: '33333333-3333-4333-8333-333333333333', mode: 'listen', supervisorUserId: SUPERVISOR, seat: 'seat-sup', requestedBy: 'x' })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND', kind: 'not_found' });
    expect(queued.ari.originate).not.toHaveBeenCalled();
  });
});

describe('SupervisionService after a restart', () => {
  const SUPERVISION = '33333333-3333-4333-8333-333333333333';
  const inApp = (id: string, args: string, state = 'Up') => ({ id, state, dialplan: { context: 'x', exten: 's', priority: 1, app_name: 'Stasis', app_data: `hotline,${args}` } }) as AriChannel;

  it('takes a listening leg back from its open segment and the bridges, so switching to barge needs no new call', async () => {
    const { service, ari, audit } = setup();
    audit.openSegment = jest.fn(async () => ({ id: 'row-9', supervisionId: SUPERVISION, callId: CALL_ID, agentId: 'a1', supervisorUserId: SUPERVISOR, supervisor: 'supervisor', seat: 'seat-sup', mode: 'listen', at: new Date() }));
    audit.endOrphans = jest.fn(async () => 0);
    audit.rows.push({ id: 'row-9', mode: 'listen' });
    const leg = inApp(`sup-${SUPERVISION}`, `supervisor,${SUPERVISION}`);
    const snoop = inApp('sup-snoop-1', `supervisor-snoop,${SUPERVISION}`);
    await service.reconcile([leg, snoop], [{ id: `sup-bridge-${SUPERVISION}`, channels: [leg.id, snoop.id] } as never, { id: `acd-bridge-${CALL_ID}`, channels: ['citizen-1', 'agent-leg'] } as never]);
    expect(ari.log).toEqual([]);

    await expect(monitor(service, 'barge')).resolves.toMatchObject({ supervisionId: SUPERVISION, mode: 'barge', state: 'active' });
    expect(ari.originate).not.toHaveBeenCalled();
    expect(ari.log).toEqual(['hangup sup-snoop-1', `remove sup-bridge-${SUPERVISION} ${leg.id}`, `add acd-bridge-${CALL_ID} ${leg.id}`]);
    expect(audit.rows).toEqual([{ id: 'row-9', mode: 'listen', end: 'switched-to-barge' }, { id: 'row-2', mode: 'barge' }]);
  });

  it('hangs up a leg whose call is not held here any more, and its snoop, and closes its row', async () => {
    const { service, ari, audit } = setup();
    audit.openSegment = jest.fn(async () => ({ id: 'row-1', supervisionId: SUPERVISION, callId: '44444444-4444-4444-8444-444444444444', agentId: 'a1', supervisorUserId: SUPERVISOR, supervisor: 'supervisor', seat: 'seat-sup', mode: 'listen', at: new Date() }));
    audit.endOrphans = jest.fn(async () => 1);
    await service.reconcile([inApp(`sup-${SUPERVISION}`, `supervisor,${SUPERVISION}`), inApp('sup-snoop-2', `supervisor-snoop,${SUPERVISION}`)], []);
    expect(ari.log).toEqual([`hangup sup-${SUPERVISION}`, 'hangup sup-snoop-2']);
    expect(audit.endOrphans).toHaveBeenCalledWith([SUPERVISION], expect.any(Date), 'call-control-restarted');
  });
});
