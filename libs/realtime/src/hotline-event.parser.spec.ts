import { parseHotlineEvent, InvalidHotlineEventError } from './hotline-event.parser';

describe('parseHotlineEvent', () => {
  const valid = { id: 'e1', type: 'call.dtmf', version: 1, occurredAt: '2026-11-23T10:00:00.000Z', payload: { digit: '5' } };

  it('accepts a well-formed envelope', () => {
    expect(parseHotlineEvent(JSON.stringify(valid)).type).toBe('call.dtmf');
  });

  it.each([
    ['not json', 'not JSON'],
    [JSON.stringify({ ...valid, type: 'call.teleported' }), 'unknown type call.teleported'],
    [JSON.stringify({ ...valid, version: 2 }), 'unsupported version 2'],
    [JSON.stringify({ ...valid, id: '' }), 'missing id'],
    [JSON.stringify({ ...valid, occurredAt: 'yesterday' }), 'missing occurredAt'],
  ])('rejects %s', (raw, reason) => {
    expect(() => parseHotlineEvent(raw)).toThrow(new InvalidHotlineEventError(reason));
  });
});
