import { Clock } from '@hotline/common';
import { AriChannel, AriGateway, TelephonyError, TelephonyErrorCode } from '@hotline/telephony';
import { CallEventPublisher } from './call-event.publisher';
import { CallLogRepository } from './call-log.repository';
import { CallSessionRegistry } from './call-session.registry';
import { CallSessionService } from './call-session.service';

class FakeAri implements Partial<AriGateway> {
  readonly calls: string[] = [];
  failPlayWith: Error | null = null;
  channels: AriChannel[] = [];
  subscribeToChannel = jest.fn(async (channelId: string) => void this.calls.push(`subscribe ${channelId}`));
  answer = jest.fn(async (channelId: string) => void this.calls.push(`answer ${channelId}`));
  play = jest.fn(async (channelId: string, media: string[], _playbackId: string) => {
    if (this.failPlayWith) throw this.failPlayWith;
    this.calls.push(`play ${channelId} ${media.join(',')}`);
  });
  stopPlayback = jest.fn(async (playbackId: string) => void this.calls.push(`stop ${playbackId}`));
  hangup = jest.fn(async (channelId: string) => void this.calls.push(`hangup ${channelId}`));
}

class FakeCallLog {
  readonly events: Array<{ callId: string; type: string; payload: Record<string, unknown> }> = [];
  readonly calls = new Map<string, { id: string; status: string; cause?: number | null }>();
  createCall = jest.fn(async (call: { channelId: string }) => {
    const existing = this.calls.get(call.channelId);
    if (existing) return { id: existing.id, created: false };
    const id = `call-${this.calls.size + 1}`;
    this.calls.set(call.channelId, { id, status: 'ringing' });
    return { id, created: true };
  });
  appendEvent = jest.fn(async (callId: string, type: string, _at: Date, payload: Record<string, unknown>) => {
    this.events.push({ callId, type, payload });
    return { sequence: this.events.length };
  });
  markAnswered = jest.fn(async () => undefined);
  markEnded = jest.fn(async (callId: string, _at: Date, cause: number | null) => {
    for (const call of this.calls.values()) if (call.id === callId) Object.assign(call, { status: 'ended', cause });
  });
  listOpenCalls = jest.fn(async () =>
    [...this.calls.entries()].filter(([, call]) => call.status !== 'ended').map(([channelId, call]) => ({ id: call.id, channelId, startedAt: new Date(0) })),
  );
}

const channel = (id: string, overrides: Partial<AriChannel> = {}): AriChannel => ({
  id,
  name: `PJSIP/carrier-${id}`,
  state: 'Ring',
  caller: { name: '', number: '13800001234' },
  connected: { name: '', number: '' },
  dialplan: { context: 'from-carrier', exten: '12345', priority: 3 },
  creationtime: '2026-11-23T10:00:00.000+0000',
  ...overrides,
});

describe('CallSessionService', () => {
  let ari: FakeAri;
  let log: FakeCallLog;
  let published: Array<{ type: string; payload: unknown }>;
  let service: CallSessionService;
  const clock: Clock = { now: () => new Date('2026-11-23T10:00:05.000Z') };

  beforeEach(() => {
    ari = new FakeAri();
    log = new FakeCallLog();
    published = [];
    const publisher = { publish: jest.fn(async (type: string, _at: Date, payload: unknown) => void published.push({ type, payload })) };
    service = new CallSessionService(
      ari as unknown as AriGateway,
      clock,
      log as unknown as CallLogRepository,
      publisher as unknown as CallEventPublisher,
      new CallSessionRegistry(),
    );
  });

  it('records, answers and greets an inbound call', async () => {
    await service.callArrived(channel('c1'), ['inbound', '12345']);
    expect(ari.calls).toEqual(['subscribe c1', 'answer c1', 'play c1 sound:hotline/welcome']);
    expect(log.events.map((event) => event.type)).toEqual(['call.started', 'call.answered']);
    expect(published.map((event) => event.type)).toEqual(['call.started', 'call.answered']);
    expect(published[0].payload).toMatchObject({ callId: 'call-1', channelId: 'c1', callerNumber: '13800001234', dialedNumber: '12345' });
  });

  it('stores digits in order and says each back, interrupting the prompt', async () => {
    await service.callArrived(channel('c1'), ['inbound', '12345']);
    await Promise.all(['4', '2'].map((digit) => service.digitPressed('c1', digit)));
    const digits = log.events.filter((event) => event.type === 'call.dtmf').map((event) => event.payload);
    expect(digits).toEqual([{ digit: '4', index: 1 }, { digit: '2', index: 2 }]);
    expect(ari.calls.filter((call) => call.startsWith('play')).slice(1)).toEqual([
      'play c1 sound:hotline/you-pressed,sound:hotline/digit-4',
      'play c1 sound:hotline/you-pressed,sound:hotline/digit-2',
    ]);
    expect(ari.stopPlayback).toHaveBeenCalledTimes(2);
  });

  it('says goodbye and hangs up after the prompt on #', async () => {
    await service.callArrived(channel('c1'), ['inbound', '12345']);
    await service.digitPressed('c1', '#');
    const goodbye = ari.play.mock.calls.at(-1)!;
    await service.playbackFinished(goodbye[2]);
    expect(ari.calls.at(-1)).toBe('hangup c1');
  });

  it('records the end with the hangup cause and duration, once', async () => {
    await service.callArrived(channel('c1'), ['inbound', '12345']);
    await service.callEnded('c1', { cause: 16, causeText: 'Normal Clearing' });
    await service.callEnded('c1', { cause: 16, causeText: 'Normal Clearing' });
    const ended = log.events.filter((event) => event.type === 'call.ended');
    expect(ended).toHaveLength(1);
    expect(ended[0].payload).toMatchObject({ hangupCause: 16, hangupCauseText: 'Normal Clearing', durationMs: 5_000 });
  });

  it('closes the call with the requested cause when ChannelDestroyed never follows StasisEnd', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      await service.callArrived(channel('c1'), ['inbound', '12345']);
      service.hangupRequested('c1', 17);
      service.channelLeftApp('c1');
      await jest.advanceTimersByTimeAsync(3_000);
      await Promise.resolve();
    } finally {
      jest.useRealTimers();
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.events.at(-1)).toMatchObject({ type: 'call.ended', payload: { hangupCause: 17, hangupCauseText: 'User busy' } });
  });

  it('hangs up channels that arrive with unexpected arguments, recording nothing', async () => {
    await service.callArrived(channel('c9'), ['outbound']);
    expect(ari.calls).toEqual(['hangup c9']);
    expect(log.createCall).not.toHaveBeenCalled();
  });

  it('keeps the record when the caller hangs up before the greeting plays', async () => {
    ari.failPlayWith = new TelephonyError(TelephonyErrorCode.AriRequestFailed, 'ARI channels.playWithId failed: HTTP 404 Channel not found');
    await expect(service.callArrived(channel('c1'), ['inbound', '12345'])).resolves.toBeUndefined();
    expect(log.events.map((event) => event.type)).toEqual(['call.started', 'call.answered']);
  });

  it('after a reconnect, closes calls whose channels are gone and re-adopts those still in the app', async () => {
    await service.callArrived(channel('gone'), ['inbound', '12345']);
    const stillThere = channel('kept', { dialplan: { context: 'from-carrier', exten: '12345', priority: 3, app_name: 'Stasis', app_data: 'hotline,inbound,12345' } });
    await service.reconcile([stillThere], 'hotline');
    expect(log.calls.get('gone')).toMatchObject({ status: 'ended', cause: null });
    expect(log.calls.get('kept')).toMatchObject({ status: 'ringing' });
    await service.digitPressed('kept', '5');
    expect(log.events.at(-1)).toMatchObject({ type: 'call.dtmf', payload: { digit: '5', index: 1 } });
  });
});
