import { decideByteRange } from './byte-range.parser';

describe('decideByteRange', () => {
  it.each([
    [undefined, { kind: 'full', size: 1000 }],
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99, size: 1000 }],
    ['bytes=500-', { kind: 'partial', start: 500, end: 999, size: 1000 }],
    ['bytes=-100', { kind: 'partial', start: 900, end: 999, size: 1000 }],
    ['bytes=-5000', { kind: 'partial', start: 0, end: 999, size: 1000 }],
    ['bytes=900-5000', { kind: 'partial', start: 900, end: 999, size: 1000 }],
    ['bytes=1000-', { kind: 'unsatisfiable', size: 1000 }],
    ['bytes=50-10', { kind: 'unsatisfiable', size: 1000 }],
    ['bytes=-0', { kind: 'unsatisfiable', size: 1000 }],
    ['bytes=0-1,5-9', { kind: 'full', size: 1000 }],
    ['items=0-1', { kind: 'full', size: 1000 }],
    ['bytes=-', { kind: 'full', size: 1000 }],
  ])('%s', (header, expected) => {
    expect(decideByteRange(header, 1000)).toEqual(expected);
  });
});
