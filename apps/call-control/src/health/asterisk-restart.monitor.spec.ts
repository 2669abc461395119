import type { AriChannel } from '@hotline/telephony';
import { ASTERISK_RESTART_CAUSE, AsteriskRestartMonitor } from './asterisk-restart.monitor';

/** The monitor with its ports replaced: AMI answers CoreStatus with `runs` in turn, Redis is a Map. */
function monitorWith(runs: string[], openCalls: Array<{ id: string; channelId: string; startedAt: Date }>, heldChannels: string[]) {
  const store = new Map<string, string>();
  const redis = {
    getset: async (key: string, value: string) => {
      const previous = store.get(key) ?? null;
      store.set(key, value);
      return previous;
    },
    set: async (key: string, value: string) => void store.set(key, value),
  };
  const ami = { isConnected: () => true, action: async () => ({ Response: 'Success', CoreStartupDate: '2026-12-01', CoreStartupTime: runs.shift()! }) };
  const ari = { isConnected: () => true };
  const ended: Array<{ channelId: string; causeText: string | null }> = [];
  const written: Array<{ callId: string; causeText: string | null }> = [];
  const published: Array<{ type: string; payload: unknown }> = [];
  const calls = {
    listOpenCalls: async () => openCalls,
    flushed: async () => void order.push('flushed'),
    endedWithEvent: async (callId: string, _at: Date, _cause: number | null, causeText: string | null) => void written.push({ callId, causeText }),
  };
  const sessions = { get: (channelId: string) => (heldChannels.includes(channelId) ? { channelId } : undefined) };
  const callService = { callEnded: async (channelId: string, hangup: { causeText: string | null }) => void ended.push({ channelId, causeText: hangup.causeText }) };
  const events = { publish: async (type: string, _at: Date, payload: unknown) => void published.push({ type, payload }) };
  const order: string[] = [];
  const windows: Array<{ from: Date; to: Date }> = [];
  const lostCalls = {
    markEndedInWindow: async (from: Date, to: Date) => {
      order.push('window');
      windows.push({ from, to });
      return ['shut-down'];
    },
  };
  const monitor = new AsteriskRestartMonitor(
    ari as never,
    ami as never,
    redis as never,
    { now: () => new Date('2026-12-01T08:00:00Z') },
    { REDIS_PREFIX: 'unit' } as never,
    calls as never,
    sessions as never,
    callService as never,
    events as never,
    lostCalls as never,
  );
  return { monitor, store, ended, written, published, order, windows };
}

const channel = (id: string) => ({ id }) as AriChannel;

describe('AsteriskRestartMonitor', () => {
  it('raises no alarm on the first connect nor on a reconnect to the same Asterisk run', async () => {
    const { monitor, published } = monitorWith(['07:00:00', '07:00:00'], [{ id: 'call-1', channelId: 'gone', startedAt: new Date() }], []);
    expect(await monitor.connected([])).toBeNull();
    expect(await monitor.connected([])).toBeNull();
    expect(published).toEqual([]);
  });

  it('after a restart closes the calls whose channels are gone with cause asterisk_restart and raises the alarm', async () => {
    const open = [
      { id: 'held', channelId: 'chan-held', startedAt: new Date('2026-12-01T07:59:00Z') },
      { id: 'orphan', channelId: 'chan-orphan', startedAt: new Date('2026-12-01T07:59:30Z') },
      { id: 'alive', channelId: 'chan-alive', startedAt: new Date('2026-12-01T07:59:40Z') },
    ];
    const { monitor, store, ended, written, published } = monitorWith(['07:00:00', '07:59:50'], open, ['chan-held']);
    await monitor.connected([channel('chan-held'), channel('chan-orphan'), channel('chan-alive')]);
    const alarm = await monitor.connected([channel('chan-alive')]);
    // A call this process holds goes through the normal end (ACD, recordings); one it never held is closed in its record.
    expect(ended).toEqual([{ channelId: 'chan-held', causeText: ASTERISK_RESTART_CAUSE }]);
    expect(written).toEqual([{ callId: 'orphan', causeText: ASTERISK_RESTART_CAUSE }]);
    expect(alarm).toMatchObject({ alarm: 'asterisk_restart', severity: 'critical', lostCallIds: ['held', 'orphan'], previousAsteriskStartedAt: '2026-12-01 07:00:00', asteriskStartedAt: '2026-12-01 07:59:50' });
    expect(published.map((event) => event.type)).toEqual(['call.ended', 'system.alarm']);
    expect(JSON.parse(store.get('unit:health:asterisk')!)).toMatchObject({ alarm: 'asterisk_restart', raisedAt: '2026-12-01T08:00:00.000Z' });
    expect(monitor.alarm()).toEqual(alarm);
  });

  it('counts calls the shutdown hung up even when their ends were handled after the websocket closed', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T07:59:50Z') });
    try {
      const { monitor, order, windows } = monitorWith(['07:00:00', '07:59:55'], [], []);
      await monitor.connected([]);
      monitor.onApplicationBootstrap();
      jest.advanceTimersByTime(1_000);
      const alarm = await monitor.connected([]);
      monitor.onApplicationShutdown();
      // Seen connected last at 07:59:51; the window reaches the reconnect (the clock's 08:00:00), after a flush.
      expect(windows).toEqual([{ from: new Date('2026-12-01T07:59:46Z'), to: new Date('2026-12-01T08:00:00Z') }]);
      expect(order).toEqual(['flushed', 'window']);
      expect(alarm?.lostCallIds).toEqual(['shut-down']);
    } finally {
      jest.useRealTimers();
    }
  });
});
