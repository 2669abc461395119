import { Clock } from '@hotline/common';
import { HotlineLine, IvrFlowDocument, validateIvrFlow } from '@hotline/ivr';
import { CallerProfileLoader } from '../calls/caller-profile.loader';
import { AriGateway } from '@hotline/telephony';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallSession } from '../calls/call-session.registry';
import { CallChannelIo } from './call-channel.io';
import { ConditionEvaluator } from './condition.evaluator';
import { IvrStateStore } from './ivr-state.store';
import { IvrRunner } from './ivr.runner';
import { ProgressLookupPort } from './progress-lookup.port';
import { PromptResolver } from './prompt.resolver';
import { VoiceMessageService } from './voice-message.service';
import { TransferAllowList } from '../transfers/transfer-allow-list';

const LINE: HotlineLine = { number: '12345', name: '12345', skill: 'general', flowName: 'f', priorityWeight: 0, mode: 'primary', active: true };

/** Plays instantly (PlaybackFinished right away); keys are pushed by the test. */
class FakeAri implements Partial<AriGateway> {
  readonly played: string[][] = [];
  io!: CallChannelIo;
  play = jest.fn(async (_channel: string, media: string[], playbackId: string) => {
    this.played.push(media);
    setImmediate(() => this.io.playbackFinished(playbackId));
  });
  stopPlayback = jest.fn(async () => undefined);
  record = jest.fn(async () => undefined);
}

describe('IvrRunner', () => {
  let ari: FakeAri;
  let io: CallChannelIo;
  let events: Array<{ type: string; payload: Record<string, unknown> }>;
  let saved: string[];
  let allowed: Set<string>;
  let progress: ProgressLookupPort;
  const clock: Clock = { now: () => new Date('2026-11-23T02:00:00Z') };

  beforeEach(() => {
    ari = new FakeAri();
    io = new CallChannelIo(ari as unknown as AriGateway, 'c1');
    ari.io = io;
    events = [];
    saved = [];
    allowed = new Set(['120']);
    progress = { lookup: jest.fn(async (number: string) => (number === '2026112300007' ? { number, statusLabel: '办理中' } : null)), openOrderOf: jest.fn() };
  });

  const runner = (conditions: Partial<ConditionEvaluator> = { evaluate: jest.fn(async () => false) }) =>
    new IvrRunner(
      { media: async (spec: unknown) => (spec ? [JSON.stringify(spec)] : []) } as unknown as PromptResolver,
      conditions as ConditionEvaluator,
      { of: jest.fn(async () => ({ lists: new Set(), earlierCalls: 0 })) } as unknown as CallerProfileLoader,
      { numbers: async () => allowed } as unknown as TransferAllowList,
      { save: jest.fn(async (_id: string, position: { node: string }) => void saved.push(position.node)), clear: jest.fn() } as unknown as IvrStateStore,
      { record: jest.fn() } as unknown as VoiceMessageService,
      { appendEvent: jest.fn(async (_id: string, type: string, _at: Date, payload: Record<string, unknown>) => void events.push({ type, payload })), setTag: jest.fn() } as unknown as CallLogRepository,
      { publish: jest.fn() } as unknown as CallEventPublisher,
      progress,
      clock,
    );

  const flow = (document: unknown): IvrFlowDocument => {
    const result = validateIvrFlow(document);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    return result.flow;
  };
  const call = (document: unknown) => ({
    session: { callId: 'call-1', channelId: 'c1', callerNumber: '13800000000', dialedNumber: '12345' } as CallSession,
    io,
    line: LINE,
    flow: { name: 'f', version: 1, document: flow(document) },
    vars: {} as Record<string, string>,
    tags: {} as Record<string, string>,
  });
  const path = () => events.filter((event) => event.type === 'call.ivr').map((event) => `${event.payload.nodeId} ${event.payload.outcome}`);

  it('a key barges into the menu prompt and routes; the queue takes the line skill by default', async () => {
    const running = runner().run(call({ start: 'm', nodes: { m: { type: 'menu', prompt: { tts: 'menu' }, options: { '1': 'q' }, onFailure: 'q' }, q: { type: 'queue', priority: 3 } } }));
    io.digit('1');
    await expect(running).resolves.toEqual({ kind: 'queue', skill: 'general', priority: 3 });
    expect(path()).toEqual(['m key 1', 'q general']);
    expect(saved).toEqual(['m', 'q']);
  });

  it('retries invalid keys and silence, then takes the failure branch', async () => {
    const running = runner().run(call({ start: 'm', nodes: { m: { type: 'menu', prompt: { tts: 'menu' }, options: { '1': 'q' }, timeoutMs: 1_000, maxAttempts: 3, invalidPrompt: { tts: 'bad' }, onFailure: 'bye' }, q: { type: 'queue' }, bye: { type: 'hangup' } } }));
    io.digit('7');
    await expect(running).resolves.toEqual({ kind: 'hangup' });
    expect(path()).toEqual(['(retry) invalid 7', '(retry) timeout', 'm timeout', 'bye hangup']);
  });

  it('collects digits up to the terminator and speaks the progress of the order', async () => {
    const running = runner().run(
      call({
        start: 'c',
        nodes: {
          c: { type: 'collect', prompt: { tts: 'number?' }, variable: 'n', minDigits: 13, maxDigits: 13, terminator: '#', next: 'p', onFailure: 'bye' },
          p: { type: 'progress-lookup', variable: 'n', next: 'bye', notFound: 'bye' },
          bye: { type: 'hangup' },
        },
      }),
    );
    for (const key of '2026112300007#') io.digit(key);
    await expect(running).resolves.toEqual({ kind: 'hangup' });
    expect(progress.lookup).toHaveBeenCalledWith('2026112300007', '13800000000');
    expect(ari.played.some((media) => media[0]!.includes('办理中'))).toBe(true);
    expect(path()).toEqual(['c 13 digits', 'p found', 'bye hangup']);
  });

  it('evaluates conditions and tags; a transfer no longer on the allow-list goes to an agent instead', async () => {
    const conditions = { evaluate: jest.fn(async () => true) };
    allowed = new Set();
    const result = await runner(conditions).run(
      call({
        start: 'c',
        nodes: {
          c: { type: 'condition', check: { kind: 'caller-list', list: 'vip' }, then: 't', else: 'q' },
          t: { type: 'set-tag', key: 'segment', value: 'vip', next: 'x' },
          x: { type: 'transfer', number: '120' },
          q: { type: 'queue' },
        },
      }),
    );
    expect(result).toEqual({ kind: 'queue', skill: 'general', priority: 0 });
    expect(path()).toEqual(['c then', 't segment=vip', 'x not-allowed']);
    expect(events.find((event) => event.type === 'call.tagged')?.payload).toMatchObject({ key: 'segment', value: 'vip' });
  });
});
