import { InvalidHotlineCommandError, parseHotlineCommand } from './hotline-command.parser';

const command = (overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'c1',
    type: 'recording.pause',
    version: 1,
    issuedAt: '2026-11-23T10:00:00.000Z',
    payload: { callId: '6c1c2a52-1a0b-4c1e-9b7a-2f1d3e4a5b6c', reason: '读银行卡号', requestedBy: 'agent', ...payload },
    ...overrides,
  });

describe('parseHotlineCommand', () => {
  it('accepts a valid command and trims its reason', () => {
    const parsed = parseHotlineCommand(command({}, { reason: '  读银行卡号 ' }));
    expect(parsed).toMatchObject({ id: 'c1', type: 'recording.pause', payload: { reason: '读银行卡号' } });
  });

  it.each([
    [command({ type: 'asterisk.shell' }), /unknown type asterisk.shell/],
    [command({ version: 2 }), /version/],
    [command({}, { callId: 'not-a-uuid' }), /payload\.callId: must be a UUID/],
    [command({}, { reason: '' }), /payload\.reason/],
    [command({}, { extra: 1 }), /payload/],
    ['{', /not JSON/],
  ])('refuses %s with the path of the error', (raw, message) => {
    expect(() => parseHotlineCommand(raw)).toThrow(InvalidHotlineCommandError);
    expect(() => parseHotlineCommand(raw)).toThrow(message);
  });

  it('keeps the id of a refused command so the sender gets its answer', () => {
    try {
      parseHotlineCommand(command({}, { callId: 'x' }));
    } catch (error) {
      expect((error as InvalidHotlineCommandError).commandId).toBe('c1');
    }
  });
});
