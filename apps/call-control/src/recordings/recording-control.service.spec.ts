import { Clock } from '@hotline/common';
import { AmiGateway } from '@hotline/telephony';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallSession, CallSessionRegistry } from '../calls/call-session.registry';
import { CallChannelIo } from '../ivr/call-channel.io';
import { RecordingControlService, RecordingNotStartedError } from './recording-control.service';

const session = (overrides: Partial<CallSession> = {}): CallSession => ({
  callId: 'call-1',
  channelId: 'node-1.1',
  channelName: 'PJSIP/carrier-00000001',
  direction: 'inbound',
  callerNumber: '13800000000',
  dialedNumber: '12345',
  startedAt: new Date(0),
  answeredAt: new Date(0),
  digitCount: 0,
  hangupCause: null,
  recordingPath: '20261123/node-1.1.wav',
  io: {} as CallChannelIo,
  line: null,
  phase: 'ivr',
  tags: {},
  entryId: null,
  ...overrides,
});

describe('RecordingControlService', () => {
  const clock: Clock = { now: () => new Date('2026-11-23T10:00:00Z') };
  let ami: { action: jest.Mock };
  let events: Array<{ type: string; payload: Record<string, unknown> }>;
  let service: RecordingControlService;
  let registry: CallSessionRegistry;

  beforeEach(() => {
    ami = { action: jest.fn(async () => ({ response: 'Success' })) };
    events = [];
    registry = new CallSessionRegistry();
    const calls = { appendEvent: jest.fn(async (_id: string, type: string, _at: Date, payload: Record<string, unknown>) => void events.push({ type, payload })) };
    const publisher = { publish: jest.fn(async () => undefined) };
    service = new RecordingControlService(ami as unknown as AmiGateway, clock, registry, calls as unknown as CallLogRepository, publisher as unknown as CallEventPublisher);
  });

  it('mutes both directions of the MixMonitor on the caller channel and records why', async () => {
    registry.add(session());
    await expect(service.setPaused('call-1', true, '报卡号', 'agent-1')).resolves.toEqual({ paused: true });
    expect(ami.action).toHaveBeenCalledWith({ action: 'MixMonitorMute', channel: 'PJSIP/carrier-00000001', direction: 'both', state: '1' });
    await service.setPaused('call-1', false, '记录完毕', 'agent-1');
    expect(ami.action).toHaveBeenLastCalledWith(expect.objectContaining({ state: '0' }));
    expect(events).toEqual([
      { type: 'recording.paused', payload: { callId: 'call-1', channelId: 'node-1.1', reason: '报卡号', requestedBy: 'agent-1' } },
      { type: 'recording.resumed', payload: { callId: 'call-1', channelId: 'node-1.1', reason: '记录完毕', requestedBy: 'agent-1' } },
    ]);
  });

  it('stays silent for calls this process does not hold, and refuses calls without a recording', async () => {
    await expect(service.setPaused('elsewhere', true, 'x', 'a')).resolves.toBeNull();
    registry.add(session({ recordingPath: null }));
    await expect(service.setPaused('call-1', true, 'x', 'a')).rejects.toBeInstanceOf(RecordingNotStartedError);
    expect(ami.action).not.toHaveBeenCalled();
  });
});
