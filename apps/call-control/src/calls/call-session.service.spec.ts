import { Clock } from '@hotline/common';
import { HotlineLine } from '@hotline/ivr';
import { AriChannel, AriGateway } from '@hotline/telephony';
import { AcdService } from '../acd/acd.service';
import { AcdStateStore, QueueEntry } from '../acd/acd-state.store';
import { IvrFlowCatalog, LoadedFlow } from '../ivr/ivr-flow.catalog';
import { IvrStateStore } from '../ivr/ivr-state.store';
import { IvrCall, IvrExit, IvrRunner } from '../ivr/ivr.runner';
import { LineDirectory } from '../ivr/line.directory';
import { RecordingFinaliser } from '../recordings/recording-finaliser.service';
import { TransferService } from '../transfers/transfer.service';
import { ServiceRatingService } from '../surveys/service-rating.service';
import { CallEventPublisher } from './call-event.publisher';
import { CallLogRepository } from './call-log.repository';
import { CallSessionRegistry } from './call-session.registry';
import { CallSessionService } from './call-session.service';

class FakeAri implements Partial<AriGateway> {
  readonly calls: string[] = [];
  subscribeToChannel = jest.fn(async (channelId: string) => void this.calls.push(`subscribe ${channelId}`));
  answer = jest.fn(async (channelId: string) => void this.calls.push(`answer ${channelId}`));
  play = jest.fn(async () => undefined);
  stopPlayback = jest.fn(async () => undefined);
  hangup = jest.fn(async (channelId: string) => void this.calls.push(`hangup ${channelId}`));
}

class FakeCallLog {
  readonly events: Array<{ callId: string; type: string; payload: Record<string, unknown> }> = [];
  readonly calls = new Map<string, { id: string; status: string; cause?: number | null }>();
  openCall = jest.fn((call: { channelId: string }, adoptedId?: string) => {
    const existing = this.calls.get(call.channelId);
    if (existing) return existing.id;
    const id = adoptedId ?? `call-${this.calls.size + 1}`;
    this.calls.set(call.channelId, { id, status: 'ringing' });
    return id;
  });
  registerRecording = jest.fn();
  written = jest.fn(async () => undefined);
  afterCallRow = jest.fn(async (_callId: string, write: () => Promise<unknown>) => write());
  appendEvent = jest.fn(async (callId: string, type: string, _at: Date, payload: Record<string, unknown>) => {
    this.events.push({ callId, type, payload });
    return { sequence: this.events.length };
  });
  markAnswered = jest.fn(async () => undefined);
  answeredWithEvent = jest.fn(async (callId: string, _at: Date, payload: Record<string, unknown>) => void this.events.push({ callId, type: 'call.answered', payload }));
  endedWithEvent = jest.fn(async (callId: string, at: Date, cause: number | null, causeText: string | null, payload: Record<string, unknown>) => {
    await this.markEnded(callId, at, cause);
    this.events.push({ callId, type: 'call.ended', payload });
  });
  setRouting = jest.fn(async () => undefined);
  markEnded = jest.fn(async (callId: string, _at: Date, cause: number | null) => {
    for (const call of this.calls.values()) if (call.id === callId) Object.assign(call, { status: 'ended', cause });
  });
  listOpenCalls = jest.fn(async () =>
    [...this.calls.entries()].filter(([, call]) => call.status !== 'ended').map(([channelId, call]) => ({ id: call.id, channelId, startedAt: new Date(0) })),
  );
}

const LINE_12315: HotlineLine = { number: '12315', name: '消费投诉举报热线', skill: 'consumer', flowName: 'default', priorityWeight: 0, mode: 'dual_track', active: true };
const FLOW: LoadedFlow = { name: 'default', version: 3, document: { start: 'menu', nodes: { menu: { type: 'queue', priority: 0 } } } };

const channel = (id: string, overrides: Partial<AriChannel> = {}): AriChannel => ({
  id,
  name: `PJSIP/carrier-${id}`,
  state: 'Ring',
  caller: { name: '', number: '13800001234' },
  connected: { name: '', number: '' },
  dialplan: { context: 'hotline-line', exten: '12315', priority: 6 },
  creationtime: '2026-11-23T10:00:00.000+0000',
  ...overrides,
});

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CallSessionService', () => {
  let ari: FakeAri;
  let log: FakeCallLog;
  let published: string[];
  let ivrRuns: Array<{ call: IvrCall; startAt?: string }>;
  let ivrExit: () => Promise<IvrExit>;
  let acd: { enqueue: jest.Mock; callerLeft: jest.Mock; legEnded: jest.Mock; resumeWaiting: jest.Mock; agentAnswered: jest.Mock; citizenAnswered: jest.Mock };
  let entries: Map<string, QueueEntry>;
  let ivrPositions: Map<string, { flow: string; version: number; node: string; vars: Record<string, string>; tags: Record<string, string> }>;
  let finaliser: { finaliseCall: jest.Mock };
  let transfers: { onFailure: jest.Mock; callerLeft: jest.Mock; legEnded: jest.Mock; transfer: jest.Mock; readopt: jest.Mock; readoptWithAgent: jest.Mock; resumePendingTrails: jest.Mock };
  let ratings: { readopt: jest.Mock };
  let service: CallSessionService;
  const clock: Clock = { now: () => new Date('2026-11-23T10:00:05.000Z') };

  beforeEach(() => {
    ari = new FakeAri();
    log = new FakeCallLog();
    published = [];
    ivrRuns = [];
    ivrExit = async () => ({ kind: 'queue', skill: 'consumer', priority: 0 });
    entries = new Map();
    ivrPositions = new Map();
    acd = {
      enqueue: jest.fn(async () => undefined),
      callerLeft: jest.fn(async () => undefined),
      legEnded: jest.fn(() => false),
      resumeWaiting: jest.fn(async () => undefined),
      agentAnswered: jest.fn(async () => undefined),
      citizenAnswered: jest.fn(async () => undefined),
    };
    finaliser = { finaliseCall: jest.fn(async () => undefined) };
    transfers = {
      onFailure: jest.fn(),
      callerLeft: jest.fn(async () => undefined),
      legEnded: jest.fn(() => false),
      transfer: jest.fn(),
      readopt: jest.fn(async () => false),
      readoptWithAgent: jest.fn(async () => undefined),
      resumePendingTrails: jest.fn(async () => undefined),
    };
    ratings = { readopt: jest.fn(async () => false) };
    const ivr = { run: jest.fn(async (call: IvrCall, startAt?: string) => (ivrRuns.push({ call, startAt }), ivrExit())) };
    service = new CallSessionService(
      ari as unknown as AriGateway,
      clock,
      log as unknown as CallLogRepository,
      { publish: jest.fn(async (type: string) => void published.push(type)) } as unknown as CallEventPublisher,
      new CallSessionRegistry(),
      finaliser as unknown as RecordingFinaliser,
      { resolve: (number: string) => (number === '12315' ? LINE_12315 : null) } as unknown as LineDirectory,
      { get: jest.fn(async () => FLOW) } as unknown as IvrFlowCatalog,
      ivr as unknown as IvrRunner,
      { clear: jest.fn(async () => undefined), load: jest.fn(async (callId: string) => ivrPositions.get(callId) ?? null) } as unknown as IvrStateStore,
      acd as unknown as AcdService,
      { entry: jest.fn(async (id: string) => entries.get(id) ?? null) } as unknown as AcdStateStore,
      transfers as unknown as TransferService,
      ratings as unknown as ServiceRatingService,
    );
  });

  it('records, answers, tags the line (DNIS) and runs its flow, then hands the call to the flow\'s queue', async () => {
    await service.callArrived(channel('c1'), ['inbound', '12315', '20261123/c1']);
    await settle();
    expect(ari.calls).toEqual(['subscribe c1', 'answer c1']);
    expect(log.events.map((event) => event.type)).toEqual(['call.started', 'call.answered', 'call.line']);
    expect(log.events[2]!.payload).toEqual({ line: '12315', lineName: '消费投诉举报热线', skill: 'consumer' });
    expect(log.openCall).toHaveBeenCalledWith(expect.objectContaining({ lineNumber: '12315', skill: 'consumer' }), undefined);
    expect(log.registerRecording).toHaveBeenCalledWith('call-1', 'c1', '20261123/c1.wav', expect.any(Date));
    expect(ivrRuns[0]!.call).toMatchObject({ line: LINE_12315, flow: FLOW });
    expect(acd.enqueue).toHaveBeenCalledWith(expect.objectContaining({ callId: 'call-1', recordingPath: '20261123/c1.wav' }), { skill: 'consumer', priority: 0 });
  });

  it('does not answer again a call the dialplan answered before Stasis()', async () => {
    await service.callArrived(channel('c1', { state: 'Up' }), ['inbound', '12315', '20261123/c1']);
    await settle();
    expect(ari.calls).toEqual(['subscribe c1']);
    expect(log.events.map((event) => event.type)).toEqual(['call.started', 'call.answered', 'call.line']);
  });

  it('stores keys in order and hands each to the caller\'s flow as it arrives', async () => {
    let release: () => void = () => undefined;
    ivrExit = () => new Promise((resolve) => (release = () => resolve({ kind: 'hangup' })));
    await service.callArrived(channel('c1'), ['inbound', '12315']);
    await settle();
    const io = ivrRuns[0]!.call.io;
    const read = io.readDigits({ maxDigits: 2, firstTimeoutMs: 1_000, interDigitTimeoutMs: 1_000 });
    await Promise.all(['4', '2'].map((digit) => service.digitPressed('c1', digit)));
    await expect(read).resolves.toEqual({ digits: '42', terminated: false, timedOut: false });
    expect(log.events.filter((event) => event.type === 'call.dtmf').map((event) => event.payload)).toEqual([
      { digit: '4', index: 1 },
      { digit: '2', index: 2 },
    ]);
    release();
    await settle();
    expect(ari.calls.at(-1)).toBe('hangup c1');
  });

  it('records the end once with the cause, ends the flow\'s waits and tells the ACD', async () => {
    ivrExit = () => new Promise(() => undefined);
    await service.callArrived(channel('c1'), ['inbound', '12315']);
    await settle();
    const io = ivrRuns[0]!.call.io;
    const waiting = io.readDigits({ maxDigits: 1, firstTimeoutMs: 60_000, interDigitTimeoutMs: 1_000 });
    await service.channelDestroyed('c1', { cause: 16, causeText: 'Normal Clearing' });
    await service.channelDestroyed('c1', { cause: 16, causeText: 'Normal Clearing' });
    await expect(waiting).rejects.toThrow('has ended');
    const ended = log.events.filter((event) => event.type === 'call.ended');
    expect(ended).toHaveLength(1);
    expect(ended[0]!.payload).toMatchObject({ hangupCause: 16, hangupCauseText: 'Normal Clearing', durationMs: 5_000 });
    expect(acd.callerLeft).toHaveBeenCalledTimes(1);
    expect(finaliser.finaliseCall).toHaveBeenCalledWith('call-1', 'c1', expect.any(Promise), null);
  });

  it('queues the caller for an agent when the flow fails, rather than leaving them in silence', async () => {
    ivrExit = async () => {
      throw new Error('prompt missing');
    };
    await service.callArrived(channel('c1'), ['inbound', '12315']);
    await settle();
    expect(acd.enqueue).toHaveBeenCalledWith(expect.objectContaining({ callId: 'call-1' }), { skill: 'consumer', priority: 0 });
  });

  it('passes agent legs to the ACD and hangs up channels that arrive with unexpected arguments', async () => {
    await service.callArrived(channel('a1'), ['agent', 'entry-1', 'agent-7']);
    expect(acd.agentAnswered).toHaveBeenCalled();
    await service.callArrived(channel('c9'), ['mystery']);
    expect(ari.calls).toEqual(['hangup c9']);
    expect(log.openCall).not.toHaveBeenCalled();
  });

  it('after a reconnect: closes calls whose channels are gone, resumes queued callers and IVR callers where they were', async () => {
    ivrExit = () => new Promise(() => undefined);
    await service.callArrived(channel('gone'), ['inbound', '12315']);
    await settle();
    const inStasis = (id: string) => channel(id, { dialplan: { context: 'hotline-line', exten: '12315', priority: 6, app_name: 'Stasis', app_data: `hotline,inbound,12315,20261123/${id}` } });
    log.calls.set('queued', { id: 'call-q', status: 'answered' });
    log.calls.set('in-ivr', { id: 'call-i', status: 'answered' });
    entries.set('call-q', { id: 'call-q', state: 'waiting', skill: 'consumer' } as QueueEntry);
    ivrPositions.set('call-i', { flow: 'default', version: 3, node: 'menu', vars: { orderNumber: '1' }, tags: { caller: 'elderly' } });

    await service.reconcile([inStasis('queued'), inStasis('in-ivr')], [], 'hotline');
    await settle();

    // Trail writes an earlier process left come first, ahead of anything re-adoption records.
    expect(transfers.resumePendingTrails.mock.invocationCallOrder[0]).toBeLessThan(acd.resumeWaiting.mock.invocationCallOrder[0]!);
    expect(log.calls.get('gone')).toMatchObject({ status: 'ended', cause: null });
    expect(acd.resumeWaiting).toHaveBeenCalledWith(expect.objectContaining({ callId: 'call-q' }), entries.get('call-q'));
    const resumed = ivrRuns.find((run) => run.call.session.callId === 'call-i')!;
    expect(resumed.startAt).toBe('menu');
    expect(resumed.call.vars).toEqual({ orderNumber: '1' });
    expect(resumed.call.tags).toEqual({ caller: 'elderly' });
  });

  it('after a reconnect: leaves a caller who is with a transfer destination to the transfers (no IVR re-run, no queue), and resumes an agent transfer with the talk', async () => {
    const inStasis = (id: string) => channel(id, { dialplan: { context: 'hotline-line', exten: '12315', priority: 6, app_name: 'Stasis', app_data: `hotline,inbound,12315,20261123/${id}` } });
    const leg = channel('xfer-1', { state: 'Up', dialplan: { context: 'hotline-out', exten: '110', priority: 1, app_name: 'Stasis', app_data: 'hotline,transfer,call-t' } });
    log.calls.set('with-110', { id: 'call-t', status: 'answered' });
    log.calls.set('talking', { id: 'call-a', status: 'answered' });
    // The IVR's last node is still in Redis for the transferred caller: re-running it would dial 110 again.
    ivrPositions.set('call-t', { flow: 'default', version: 3, node: 'to-110', vars: {}, tags: {} });
    entries.set('call-a', { id: 'call-a', state: 'connected', skill: 'consumer', agentId: 'a1' } as QueueEntry);
    transfers.readopt.mockImplementation(async (session: { callId: string }) => session.callId === 'call-t');

    await service.reconcile([inStasis('with-110'), inStasis('talking'), leg], [], 'hotline');
    await settle();

    expect(ivrRuns).toEqual([]);
    expect(acd.enqueue).not.toHaveBeenCalled();
    expect(transfers.readopt).toHaveBeenCalledWith(expect.objectContaining({ callId: 'call-t' }), expect.objectContaining({ legs: new Map([['call-t', leg]]) }));
    expect(transfers.readoptWithAgent).toHaveBeenCalledWith(expect.objectContaining({ callId: 'call-a', phase: 'talk' }), { id: 'call-a', agentId: 'a1' }, expect.anything());
  });

  it('after a reconnect: a caller the agent handed to the service rating goes back to the rating, not to the IVR or the queue', async () => {
    const inStasis = (id: string) => channel(id, { dialplan: { context: 'hotline-line', exten: '12315', priority: 6, app_name: 'Stasis', app_data: `hotline,inbound,12315,20261123/${id}` } });
    log.calls.set('rating', { id: 'call-r', status: 'answered' });
    // The IVR's last node (the queue) is still in Redis: re-running it would queue the caller again.
    ivrPositions.set('call-r', { flow: 'default', version: 3, node: 'queue', vars: {}, tags: {} });
    ratings.readopt.mockImplementation(async (session: { callId: string }) => session.callId === 'call-r');

    await service.reconcile([inStasis('rating')], [], 'hotline');
    await settle();

    expect(ratings.readopt).toHaveBeenCalledWith(expect.objectContaining({ callId: 'call-r' }));
    expect(ivrRuns).toEqual([]);
    expect(acd.enqueue).not.toHaveBeenCalled();
    expect(acd.resumeWaiting).not.toHaveBeenCalled();
  });
});
