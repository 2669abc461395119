import { InvalidOutboundCallCommandError, InvalidSurveyCallResultError, parseOutboundCallCommand, parseSurveyCallResult } from './commands.contract';

const surveyCall = {
  id: 'c1',
  type: 'survey.call',
  version: 1,
  issuedAt: '2026-09-30T02:00:00.000Z',
  payload: {
    surveyId: 's1',
    attemptId: 'a1',
    orderNumber: '20260930000001',
    destination: '13800138000',
    callerId: '12345',
    subject: '噪音扰民',
    options: [
      { digit: '1', level: 'very_satisfied', label: '非常满意' },
      { digit: '2', level: 'satisfied', label: '满意' },
      { digit: '3', level: 'dissatisfied', label: '不满意' },
    ],
    maxPrompts: 3,
    noInputSeconds: 8,
    ringSeconds: 40,
    recordComment: false,
  },
};

describe('outbound call commands (survey.call) and their results', () => {
  it('accepts a well-formed survey.call', () => {
    expect(parseOutboundCallCommand(JSON.stringify(surveyCall)).type).toBe('survey.call');
  });

  it('refuses untrusted input: unknown type, bad destination, options that are not single digits', () => {
    expect(() => parseOutboundCallCommand(JSON.stringify({ ...surveyCall, type: 'call.hangup-all' }))).toThrow(InvalidOutboundCallCommandError);
    expect(() => parseOutboundCallCommand(JSON.stringify({ ...surveyCall, payload: { ...surveyCall.payload, destination: '1380;DROP' } }))).toThrow(/destination/);
    expect(() => parseOutboundCallCommand(JSON.stringify({ ...surveyCall, payload: { ...surveyCall.payload, options: [{ digit: '12' }] } }))).toThrow(/options/);
    expect(() => parseOutboundCallCommand('not json')).toThrow(InvalidOutboundCallCommandError);
  });

  it('requires the digit on a rated result and defaults the optional fields', () => {
    const base = { commandId: 'c1', surveyId: 's1', attemptId: 'a1', endedAt: '2026-09-30T02:01:00.000Z' };
    expect(parseSurveyCallResult(JSON.stringify({ ...base, outcome: 'busy' }))).toEqual({ ...base, outcome: 'busy', digit: null, commentRecordingRef: null });
    expect(() => parseSurveyCallResult(JSON.stringify({ ...base, outcome: 'rated' }))).toThrow(InvalidSurveyCallResultError);
    expect(() => parseSurveyCallResult(JSON.stringify({ ...base, outcome: 'exploded' }))).toThrow(/outcome/);
  });
});
