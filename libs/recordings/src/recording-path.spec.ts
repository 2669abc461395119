import { InvalidRecordingPathError } from './recordings.errors';
import { resolveInStore } from './recording-path';

describe('resolveInStore', () => {
  it('resolves dated call recordings and messages inside the store', () => {
    expect(resolveInStore('/srv/rec', '20261123/dev-1795442449.0.wav')).toBe('/srv/rec/20261123/dev-1795442449.0.wav');
    expect(resolveInStore('/srv/rec/', 'messages/20261123/msg-abc.wav')).toBe('/srv/rec/messages/20261123/msg-abc.wav');
  });

  it.each(['../etc/passwd.wav', '/etc/x.wav', '20261123/../../x.wav', 'a/./b.wav', 'x.mp3', '.hidden.wav', 'a b.wav', ''])('refuses %j', (bad) => {
    expect(() => resolveInStore('/srv/rec', bad)).toThrow(InvalidRecordingPathError);
  });
});
