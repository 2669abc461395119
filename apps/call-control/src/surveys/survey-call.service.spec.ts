import { Clock } from '@hotline/common';
import { AppConfig } from '@hotline/config';
import type { OutboundCallCommand } from '@hotline/realtime';
import { AriChannel, AriGateway, OriginateRequest } from '@hotline/telephony';
import { PromptResolver } from '../ivr/prompt.resolver';
import { SurveyCallService } from './survey-call.service';

/**
 * Plays instantly; what the citizen does is scripted per prompt played: `keys[n]` is pressed while the
 * n-th prompt plays (undefined: nothing). Answering, busy and hangups are driven by the test.
 */
class FakeAri implements Partial<AriGateway> {
  readonly played: string[][] = [];
  originated: OriginateRequest | null = null;
  hungUp: string[] = [];
  keys: Array<string | undefined> = [];
  hangUpAfterPrompts: number | null = null;
  service!: SurveyCallService;
  onOriginate: (request: OriginateRequest) => void = (request) => setImmediate(() => void this.service.answered({ id: request.channelId } as AriChannel));
  originate = jest.fn(async (request: OriginateRequest) => {
    this.originated = request;
    this.onOriginate(request);
    return { id: request.channelId } as AriChannel;
  });
  subscribeToChannel = jest.fn(async () => undefined);
  play = jest.fn(async (channelId: string, media: string[], playbackId: string) => {
    this.played.push(media);
    const index = this.played.length - 1;
    setImmediate(() => {
      if (this.hangUpAfterPrompts !== null && this.played.length > this.hangUpAfterPrompts) return this.service.channelEnded(channelId, 16);
      const key = this.keys[index];
      if (key !== undefined) this.service.digitPressed(channelId, key);
      this.service.playbackFinished(playbackId);
    });
  });
  stopPlayback = jest.fn(async () => undefined);
  record = jest.fn(async (_channelId: string, request: { name: string }) => {
    setImmediate(() => this.service.recordingFinished(request.name, true, 4));
  });
  hangup = jest.fn(async (channelId: string) => {
    this.hungUp.push(channelId);
  });
}

const OPTIONS = [
  { digit: '1', level: 'satisfied', label: '满意' },
  { digit: '2', level: 'basically_satisfied', label: '基本满意' },
  { digit: '3', level: 'dissatisfied', label: '不满意' },
];

function command(overrides: Partial<OutboundCallCommand<'survey.call'>['payload']> = {}): OutboundCallCommand<'survey.call'> {
  return {
    id: 'cmd-1',
    type: 'survey.call',
    version: 1,
    issuedAt: '2026-09-30T02:00:00.000Z',
    payload: {
      surveyId: 's-1',
      attemptId: 'a-1',
      orderNumber: 'NX2026093000001',
      destination: '13900000001',
      callerId: '12345',
      subject: '小区供暖不热',
      options: OPTIONS,
      maxPrompts: 3,
      noInputSeconds: 0.05,
      ringSeconds: 30,
      recordComment: false,
      ...overrides,
    },
  };
}

describe('SurveyCallService', () => {
  let ari: FakeAri;
  let service: SurveyCallService;
  const clock: Clock = { now: () => new Date('2026-09-30T02:05:00Z') };
  const prompts = { media: jest.fn(async (spec: { tts: string }) => [`sound:tts/${spec.tts}`]) } as unknown as PromptResolver;

  beforeEach(() => {
    ari = new FakeAri();
    service = new SurveyCallService(ari as unknown as AriGateway, { OUTBOUND_ENDPOINT_TEMPLATE: 'PJSIP/{number}@carrier' } as AppConfig, clock, prompts);
    ari.service = service;
  });

  it('dials through the carrier with the hotline caller id and rates by the key pressed', async () => {
    ari.keys = ['2'];
    const result = await service.place(command(), 'survey-x');
    expect(ari.originated).toMatchObject({ endpoint: 'PJSIP/13900000001@carrier', callerId: '12345', timeoutSeconds: 30, appArgs: 'survey,cmd-1', channelId: 'survey-x' });
    expect(result).toEqual({ commandId: 'cmd-1', surveyId: 's-1', attemptId: 'a-1', outcome: 'rated', digit: '2', commentRecordingRef: null, endedAt: '2026-09-30T02:05:00.000Z' });
    expect(ari.played[0]!.join(' ')).toContain('「小区供暖不热」');
    expect(ari.played[0]!.join(' ')).toContain('基本满意请按二');
    expect(ari.played.at(-1)).toEqual(['sound:tts/感谢您的评价,再见。']);
    expect(ari.hungUp).toEqual(['survey-x']);
  });

  it('re-prompts after an invalid key and after silence, then takes a valid key', async () => {
    ari.keys = ['7', undefined, '3'];
    const result = await service.place(command(), 'survey-x');
    expect(result).toMatchObject({ outcome: 'rated', digit: '3' });
    expect(ari.played[1]![0]).toContain('按键无效');
    expect(ari.played[2]![0]).toContain('没有收到您的按键');
  });

  it('ends as no_input after maxPrompts without a valid key, and says goodbye', async () => {
    ari.keys = ['9'];
    const result = await service.place(command({ maxPrompts: 2 }), 'survey-x');
    expect(result).toMatchObject({ outcome: 'no_input', digit: null });
    expect(ari.played).toHaveLength(3);
    expect(ari.played[2]![0]).toContain('没有收到有效的评价');
  });

  it('reports hung_up when the citizen hangs up before rating, and keeps a rating given before hanging up', async () => {
    ari.hangUpAfterPrompts = 0;
    expect(await service.place(command(), 'survey-x')).toMatchObject({ outcome: 'hung_up' });
    ari = new FakeAri();
    service = new SurveyCallService(ari as unknown as AriGateway, { OUTBOUND_ENDPOINT_TEMPLATE: 'PJSIP/{number}@carrier' } as AppConfig, clock, prompts);
    ari.service = service;
    ari.keys = ['1'];
    ari.hangUpAfterPrompts = 1; // gone during the thanks
    expect(await service.place(command(), 'survey-y')).toMatchObject({ outcome: 'rated', digit: '1' });
  });

  it.each([
    [17, 'busy'],
    [19, 'no_answer'],
    [18, 'no_answer'],
    [34, 'failed'],
  ])('a call that ends unanswered with cause %d is %s', async (cause, outcome) => {
    ari.onOriginate = (request) => setImmediate(() => service.channelEnded(request.channelId, cause));
    expect(await service.place(command(), 'survey-x')).toMatchObject({ outcome, digit: null });
    expect(ari.played).toEqual([]);
  });

  it('records a comment when asked and returns where it is', async () => {
    ari.keys = ['1'];
    const result = await service.place(command({ recordComment: true }), 'survey-x');
    expect(result).toMatchObject({ outcome: 'rated', digit: '1', commentRecordingRef: 'messages/20260930/survey-a-1.wav' });
    expect(ari.record).toHaveBeenCalledWith('survey-x', expect.objectContaining({ name: '20260930/survey-a-1', terminateOn: '#' }));
  });

  it('fails without dialling when the prompts cannot be made', async () => {
    (prompts.media as jest.Mock).mockRejectedValueOnce(new Error('espeak-ng missing'));
    expect(await service.place(command(), 'survey-x')).toMatchObject({ outcome: 'failed' });
    expect(ari.originate).not.toHaveBeenCalled();
  });
});
