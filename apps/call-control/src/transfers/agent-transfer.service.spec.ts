import { Logger } from '@nestjs/common';
import { AppConfig } from '@hotline/config';
import { Clock } from '@hotline/common';
import { AriChannel, AriGateway } from '@hotline/telephony';
import { AcdService } from '../acd/acd.service';
import { AcdStateStore, QueueEntry } from '../acd/acd-state.store';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallRecordNotWrittenError } from '../calls/call-record.errors';
import { CallSession, CallSessionRegistry } from '../calls/call-session.registry';
import { AgentTransferService } from './agent-transfer.service';
import { CallTransferRepository, TransferDestination } from './call-transfer.repository';
import { TransferErrorCode } from './transfer.errors';
import { TransferAllowList } from './transfer-allow-list';
import { TransferTrailJournal } from './transfer-trail.journal';
import { TransferTrailRecorder } from './transfer-trail.recorder';

const CALL = '11111111-1111-4111-8111-111111111111';
const DEST = '22222222-2222-4222-8222-222222222222';

/** Records every ARI request in order, so a test can say what reached Asterisk (and what did not). */
class FakeAri implements Partial<AriGateway> {
  readonly log: string[] = [];
  originateFails: Error | null = null;
  removeFromBridge = jest.fn(async (bridge: string, ids: string[]) => void this.log.push(`remove ${ids.join(',')} from ${bridge}`));
  addToBridge = jest.fn(async (bridge: string, ids: string[]) => void this.log.push(`add ${ids.join(',')} to ${bridge}`));
  createBridge = jest.fn(async (bridge: string) => void this.log.push(`create ${bridge}`));
  destroyBridge = jest.fn(async (bridge: string) => void this.log.push(`destroy ${bridge}`));
  startMoh = jest.fn(async (id: string) => void this.log.push(`moh ${id}`));
  stopMoh = jest.fn(async (id: string) => void this.log.push(`unmoh ${id}`));
  hangup = jest.fn(async (id: string) => void this.log.push(`hangup ${id}`));
  originate = jest.fn(async (request: { endpoint: string; channelId: string }) => {
    this.log.push(`originate ${request.endpoint}`);
    if (this.originateFails) throw this.originateFails;
    return { id: request.channelId } as AriChannel;
  });
}

function setup(destination: TransferDestination | null = { id: DEST, number: '110', name: '公安报警', emergency: true, ringTimeoutSeconds: 30 }) {
  const ari = new FakeAri();
  const session = { callId: CALL, channelId: 'citizen-1', callerNumber: '13800000000', entryId: CALL, phase: 'talk', io: { ended: false }, line: null } as unknown as CallSession;
  const sessions = new CallSessionRegistry();
  sessions.add(session);
  const entry = { id: CALL, state: 'connected', agentId: 'a1' } as QueueEntry;
  const acd = { onAgentLeft: jest.fn(), handOver: jest.fn(async () => undefined), enqueue: jest.fn(async () => undefined) };
  const trail = {
    started: jest.fn(async () => undefined),
    answered: jest.fn(async () => undefined),
    conference: jest.fn(async () => undefined),
    ended: jest.fn(async () => undefined),
    closeLeftOver: jest.fn(async () => undefined),
  };
  const published: Array<{ type: string; payload: Record<string, unknown> }> = [];
  // Redis keeps each trail write until it is in Postgres (transfer-trail.recorder.spec covers what it holds).
  const journal = { push: jest.fn(async () => undefined), pop: jest.fn(async () => undefined), pending: jest.fn(async () => new Map()) };
  // The call's row is in Postgres unless a test says otherwise.
  const calls = {
    appendEvent: jest.fn(async () => undefined),
    afterCallRowEvenIfLate: jest.fn(async (_callId: string, write: () => Promise<unknown>, _late: (error: CallRecordNotWrittenError) => void) => write()),
  };
  const service = new AgentTransferService(
    ari as unknown as AriGateway,
    { OUTBOUND_ENDPOINT_TEMPLATE: 'PJSIP/carrier/sip:{number}@gw', HOTLINE_NUMBER: '12345' } as AppConfig,
    { now: () => new Date('2026-12-01T08:00:00Z') } as Clock,
    sessions,
    acd as unknown as AcdService,
    { entry: jest.fn(async () => entry) } as unknown as AcdStateStore,
    trail as unknown as CallTransferRepository,
    new TransferTrailRecorder(calls as unknown as CallLogRepository, trail as unknown as CallTransferRepository, journal as unknown as TransferTrailJournal),
    { byId: jest.fn(async () => destination) } as unknown as TransferAllowList,
    calls as unknown as CallLogRepository,
    { publish: jest.fn(async (type: string, _at: Date, payload: Record<string, unknown>) => void published.push({ type, payload })) } as unknown as CallEventPublisher,
  );
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  return { ari, session, entry, acd, trail, calls, published, service, settle };
}

const start = (service: AgentTransferService, overrides: Record<string, unknown> = {}) =>
  service.start({ callId: CALL, destinationId: DEST, mode: 'warm', hold: true, requestedBy: 'agent', agentId: 'a1', ...overrides } as never);

describe('AgentTransferService', () => {
  it('holds the citizen and dials the allow-listed number through the carrier', async () => {
    const { ari, service, published, trail, settle } = setup();
    const result = await start(service);
    await settle();
    expect(ari.log).toEqual(['remove citizen-1 from acd-bridge-' + CALL, 'moh citizen-1', 'originate PJSIP/carrier/sip:110@gw']);
    expect(result).toMatchObject({ state: 'dialling' });
    expect(trail.started).toHaveBeenCalledWith(expect.objectContaining({ mode: 'warm', agentId: 'a1' }));
    expect(published.map((event) => event.type)).toEqual(['transfer.started']);
  });

  it.each(['110&PJSIP/evil', '110,xyz', '110)', '１１０'])('refuses a stored number %j that is not plain digits; nothing is dialled', async (number) => {
    const { ari, service } = setup({ id: DEST, number, name: 'x', emergency: false, ringTimeoutSeconds: 30 });
    await expect(start(service)).rejects.toMatchObject({ code: TransferErrorCode.NotDialable });
    expect(ari.originate).not.toHaveBeenCalled();
  });

  it('refuses a destination off the allow-list, another agent, and a second open transfer', async () => {
    await expect(start(setup(null).service)).rejects.toMatchObject({ code: TransferErrorCode.DestinationNotAllowed });
    await expect(start(setup().service, { agentId: 'a2' })).rejects.toMatchObject({ code: TransferErrorCode.NotYourCall });
    const { service } = setup();
    await start(service);
    await expect(start(service)).rejects.toMatchObject({ code: TransferErrorCode.InProgress });
  });

  it('busy: the citizen is back in the agent bridge and the agent is told', async () => {
    const { ari, service, published, trail, settle } = setup();
    await start(service);
    const leg = ari.originate.mock.calls[0]![0].channelId;
    expect(service.legEnded(leg, 17)).toBe(true);
    await settle();
    expect(trail.ended).toHaveBeenCalledWith(expect.any(String), 'busy', expect.any(Date), 17);
    expect(ari.log.slice(-2)).toEqual(['unmoh citizen-1', 'add citizen-1 to acd-bridge-' + CALL]);
    expect(published.at(-1)).toMatchObject({ type: 'transfer.failed', payload: { outcome: 'busy', hangupCause: 17 } });
  });

  it('a dial Asterisk refuses: the trail says failed, the citizen is back with the agent, a new transfer is possible', async () => {
    const { ari, service, published, trail, settle } = setup();
    ari.originateFails = new Error('ARI POST /channels failed: HTTP 500');
    expect(await start(service)).toMatchObject({ state: 'ended', outcome: 'failed' });
    await settle();
    expect(trail.ended).toHaveBeenCalledWith(expect.any(String), 'failed', expect.any(Date), null);
    expect(ari.log.slice(-2)).toEqual(['unmoh citizen-1', 'add citizen-1 to acd-bridge-' + CALL]);
    expect(published.map((event) => event.type)).toEqual(['transfer.started', 'transfer.failed']);
    ari.originateFails = null;
    expect(await start(service)).toMatchObject({ state: 'dialling' });
  });

  it('warm: consult in the agent bridge, then complete moves citizen and destination to their own bridge and the agent leaves', async () => {
    const { ari, service, acd, session, trail, settle } = setup();
    const { transferId } = (await start(service)) as { transferId: string };
    const leg = ari.originate.mock.calls[0]![0].channelId;
    await service.answered({ id: leg } as AriChannel);
    expect(ari.log.at(-1)).toBe(`add ${leg} to acd-bridge-${CALL}`);
    await expect(service.cancel({ callId: CALL, transferId: 'other', requestedBy: 'x' } as never)).rejects.toMatchObject({ code: TransferErrorCode.NotFound });
    await service.complete({ callId: CALL, transferId, requestedBy: 'agent', agentId: 'a1' } as never);
    expect(ari.log.slice(-4)).toEqual(['unmoh citizen-1', `remove ${leg} from acd-bridge-${CALL}`, `create xfer-bridge-${CALL}`, `add citizen-1,${leg} to xfer-bridge-${CALL}`]);
    expect(acd.handOver).toHaveBeenCalledWith(session);
    await settle();
    expect(trail.ended).toHaveBeenCalledWith(transferId, 'completed', expect.any(Date), null);
    // The destination hanging up afterwards ends the call.
    service.legEnded(leg, 16);
    await settle();
    expect(ari.log.slice(-2)).toEqual(['hangup citizen-1', `destroy xfer-bridge-${CALL}`]);
  });

  it('the citizen hanging up mid-consult hangs up the destination and closes the trail', async () => {
    const { ari, service, trail, settle } = setup();
    const { transferId } = (await start(service)) as { transferId: string };
    const leg = ari.originate.mock.calls[0]![0].channelId;
    await service.answered({ id: leg } as AriChannel);
    await service.callerLeft({ callId: CALL, channelId: 'citizen-1' } as CallSession);
    expect(ari.log.at(-1)).toBe(`hangup ${leg}`);
    await settle();
    expect(trail.ended).toHaveBeenCalledWith(transferId, 'caller_left', expect.any(Date), null);
  });

  describe('while Postgres is out (the trail is a record, not a condition)', () => {
    let logged: jest.SpyInstance;
    beforeEach(() => (logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined)));
    afterEach(() => logged.mockRestore());

    it("dials an emergency number at once; the trail's lateness is logged and its row and steps are written, in order, once the call's row is", async () => {
      const { ari, service, trail, calls, published, settle } = setup();
      let rowWritten!: () => void;
      const callRow = new Promise<void>((resolve) => (rowWritten = resolve));
      calls.afterCallRowEvenIfLate.mockImplementationOnce(async (_callId, write, late) => {
        late(new CallRecordNotWrittenError(CALL, 5_000));
        await callRow;
        return write();
      });
      const { transferId, state } = (await start(service)) as { transferId: string; state: string };
      expect(state).toBe('dialling');
      expect(ari.log.at(-1)).toBe('originate PJSIP/carrier/sip:110@gw');
      expect(logged).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`Trail of transfer ${transferId} \\(call ${CALL} to 110\\): .*5000 ms.*written once the call's is`)));
      // The dispatcher answers and the agent completes: nothing waits for the trail.
      const leg = ari.originate.mock.calls[0]![0].channelId;
      await service.answered({ id: leg } as AriChannel);
      await service.complete({ callId: CALL, transferId, requestedBy: 'agent', agentId: 'a1' } as never);
      expect(published.map((event) => event.type)).toEqual(['transfer.started', 'transfer.answered', 'transfer.completed']);
      await settle();
      expect(trail.started).not.toHaveBeenCalled();
      expect(trail.ended).not.toHaveBeenCalled();

      rowWritten();
      await settle();
      const order = (mock: jest.Mock) => mock.mock.invocationCallOrder[0]!;
      expect(order(trail.started)).toBeLessThan(order(trail.answered));
      expect(order(trail.answered)).toBeLessThan(order(trail.ended));
      expect(trail.ended).toHaveBeenCalledWith(transferId, 'completed', expect.any(Date), null);
    });

    it('a trail row that cannot be written is logged as an error, as is each step it could not record; the transfer completes', async () => {
      const { ari, service, trail, calls, published, settle } = setup();
      calls.afterCallRowEvenIfLate.mockRejectedValueOnce(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      const { transferId } = (await start(service)) as { transferId: string };
      const leg = ari.originate.mock.calls[0]![0].channelId;
      await service.answered({ id: leg } as AriChannel);
      await service.complete({ callId: CALL, transferId, requestedBy: 'agent', agentId: 'a1' } as never);
      await settle();
      expect(published.at(-1)).toMatchObject({ type: 'transfer.completed' });
      expect(trail.answered).not.toHaveBeenCalled();
      expect(trail.ended).not.toHaveBeenCalled();
      expect(logged.mock.calls.map(([message]) => message)).toEqual([
        `Trail of transfer ${transferId} (call ${CALL} to 110) not written: connect ECONNREFUSED 127.0.0.1:5432`,
        `Trail of transfer ${transferId} (call ${CALL} to 110): answered not recorded, it has no trail row`,
        `Trail of transfer ${transferId} (call ${CALL} to 110): end (completed) not recorded, it has no trail row`,
      ]);
    });

    it("a second transfer's row waits for the first one's steps (its insert closes rows left open)", async () => {
      const { ari, service, trail, calls, settle } = setup();
      let rowWritten!: () => void;
      const callRow = new Promise<void>((resolve) => (rowWritten = resolve));
      calls.afterCallRowEvenIfLate.mockImplementationOnce(async (_callId, write) => {
        await callRow;
        return write();
      });
      const first = (await start(service)) as { transferId: string };
      service.legEnded(ari.originate.mock.calls[0]![0].channelId, 17);
      await settle();
      const second = (await start(service)) as { transferId: string };
      await settle();
      expect(trail.started).not.toHaveBeenCalled();
      rowWritten();
      await settle();
      expect(trail.started.mock.calls.map((args) => (args as unknown[] as [{ id: string }])[0].id)).toEqual([first.transferId, second.transferId]);
      expect(trail.ended.mock.invocationCallOrder[0]!).toBeLessThan(trail.started.mock.invocationCallOrder[1]!);
      expect(trail.ended).toHaveBeenCalledWith(first.transferId, 'busy', expect.any(Date), 17);
    });
  });

  it('closes a trail row left open by an earlier process only for a re-adopted call', async () => {
    const { service, trail } = setup();
    await service.callerLeft({ callId: CALL, channelId: 'citizen-1' } as CallSession);
    expect(trail.closeLeftOver).not.toHaveBeenCalled();
    await service.callerLeft({ callId: CALL, channelId: 'citizen-1', readopted: true } as CallSession);
    expect(trail.closeLeftOver).toHaveBeenCalledWith(CALL, 'caller_left', expect.any(Date));
  });
});
