import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { io, Socket } from 'socket.io-client';
import type { ClientToServerEvents, HotlineEvent, RealtimeSnapshot, ServerToClientEvents, WorkOrderChangedPayload } from '@hotline/realtime';
import { hotlineCommandChannel, hotlineCommandResultChannel, hotlineEventChannel, parseHotlineCommand, REALTIME_SOCKET_PATH } from '@hotline/realtime';
import { testEnvironment } from '../support/test-environment';
import { ApiTestServer, startApiTestServer } from '../support/api-test-server';
import { createDispatchedOrder, loginToken, startSeededApi, unitIds } from '../support/browser-fixtures';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Collects what a socket hears, so a test can wait for "the next one matching". */
class Listener {
  readonly snapshots: RealtimeSnapshot[] = [];
  readonly events: HotlineEvent[] = [];
  readonly changes: WorkOrderChangedPayload[] = [];

  constructor(readonly socket: ClientSocket) {
    socket.on('snapshot', (snapshot) => this.snapshots.push(snapshot));
    socket.on('hotline.event', (event) => this.events.push(event));
    socket.on('work-order.changed', (change) => this.changes.push(change));
  }

  async until<T>(read: () => T | undefined, timeoutMs = 3_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out waiting on the socket');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function connect(url: string, token: string | undefined): ClientSocket {
  return io(url, { path: REALTIME_SOCKET_PATH, transports: ['websocket'], auth: token === undefined ? {} : { token }, reconnectionDelay: 100, reconnectionDelayMax: 200 });
}

async function connected(url: string, token: string): Promise<Listener> {
  const listener = new Listener(connect(url, token));
  await listener.until(() => listener.snapshots[0]);
  return listener;
}

function refusal(socket: ClientSocket): Promise<string> {
  return new Promise((resolve) => socket.once('connect_error', (error) => resolve(error.message)));
}

describe('realtime gateway (two api instances sharing Redis and Postgres)', () => {
  let a: ApiTestServer;
  let b: ApiTestServer;
  const tokens: Record<string, string> = {};
  const sockets: ClientSocket[] = [];
  let units: Record<string, string>;

  beforeAll(async () => {
    a = await startSeededApi('realtime_a');
    // Instance B: same database and the same Redis prefix, so it is the same deployment on another port.
    b = await startApiTestServer('realtime_b', { DATABASE_URL: a.database.url, REDIS_PREFIX: a.config.REDIS_PREFIX });
    for (const username of ['agent', 'supervisor', 'reviewer', 'market.handler', 'housing.handler']) tokens[username] = await loginToken(a.url, username);
    units = await unitIds(a);
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await b?.close();
    await a?.close();
  });

  const track = (listener: Listener) => {
    sockets.push(listener.socket);
    return listener;
  };

  it('refuses a handshake without a token or with a bad one', async () => {
    const missing = connect(b.url, undefined);
    const forged = connect(b.url, 'forged.token.here');
    sockets.push(missing, forged);
    await expect(refusal(missing)).resolves.toBe('TOKEN_MISSING');
    await expect(refusal(forged)).resolves.toBe('TOKEN_INVALID');
    expect(missing.connected).toBe(false);
  });

  it('sends each role its snapshot and rooms', async () => {
    const supervisor = track(await connected(b.url, tokens.supervisor!));
    const handler = track(await connected(b.url, tokens['market.handler']!));
    const supervisorSnapshot = supervisor.snapshots[0]!;
    expect(supervisorSnapshot.user.username).toBe('supervisor');
    expect(supervisorSnapshot.rooms).toEqual(expect.arrayContaining(['centre', 'supervisors', 'calls:full']));
    expect(supervisorSnapshot.calls?.today).toMatchObject({ started: expect.any(Number) });
    expect(supervisorSnapshot.unitInbox).toBeNull();
    const handlerSnapshot = handler.snapshots[0]!;
    expect(handlerSnapshot.rooms).toEqual([`user:${handlerSnapshot.user.id}`, `unit:${units['city.market']}`]);
    expect(handlerSnapshot.calls).toBeNull();
    expect(handlerSnapshot.unitInbox).toMatchObject({ unitId: units['city.market'], toSign: 0 });
  });

  it('relays a call event published to Redis to clients of instance B, once, masked for roles that do not talk to callers', async () => {
    const supervisor = track(await connected(b.url, tokens.supervisor!));
    const reviewer = track(await connected(b.url, tokens.reviewer!));
    const handler = track(await connected(b.url, tokens['market.handler']!));
    const event: HotlineEvent<'call.started'> = {
      id: randomUUID(),
      type: 'call.started',
      version: 1,
      occurredAt: new Date().toISOString(),
      payload: { callId: randomUUID(), channelId: '1732350000.9', callerNumber: '13912345678', dialedNumber: '12345', startedAt: new Date().toISOString() },
    };
    await a.publish(event);
    const full = await supervisor.until(() => supervisor.events.find((e) => e.id === event.id));
    expect((full.payload as { callerNumber: string }).callerNumber).toBe('13912345678');
    const masked = await reviewer.until(() => reviewer.events.find((e) => e.id === event.id));
    expect((masked.payload as { callerNumber: string }).callerNumber).toBe('139****5678');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Both instances relay Redis events, each to its own sockets only: no duplicates, and units hear no calls.
    expect(supervisor.events.filter((e) => e.id === event.id)).toHaveLength(1);
    expect(handler.events).toEqual([]);
  });

  it('pushes a work-order change made on instance A to the assigned unit on instance B, without caller identity, and to no other unit', async () => {
    const market = track(await connected(b.url, tokens['market.handler']!));
    const housing = track(await connected(b.url, tokens['housing.handler']!));
    const centre = track(await connected(a.url, tokens.supervisor!));
    // 举报 (report) is always confidential: the unit must never learn who called.
    const order = await createDispatchedOrder(a, tokens.agent!, units['city.market']!, { type: 'report', confidential: true });
    const change = await market.until(() => market.changes.find((c) => c.orderId === order.id && c.command === 'dispatch'));
    expect(change).toMatchObject({ number: order.number, status: 'dispatched', leadUnitId: units['city.market'], unitIds: [units['city.market']] });
    expect(JSON.stringify(change)).not.toMatch(/1391|王先生|caller/);
    await centre.until(() => centre.changes.find((c) => c.orderId === order.id && c.command === 'dispatch'));
    // The intake came first and went to the centre only (no unit yet).
    expect(market.changes.filter((c) => c.command === 'intake')).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(housing.changes).toEqual([]);
  });

  it('sends a fresh snapshot after a reconnect, with what happened while the client was away', async () => {
    const supervisor = track(await connected(b.url, tokens.supervisor!));
    const before = supervisor.snapshots[0]!;
    // A call arrives while the connection is down (recorded by call-control in Postgres).
    supervisor.socket.io.engine.close();
    const callId = randomUUID();
    await a.dataSource.query(
      `INSERT INTO calls (id, channel_id, direction, caller_number, dialed_number, status, started_at) VALUES ($1, $2, 'inbound', '13800001111', '12315', 'ringing', now())`,
      [callId, `reconnect-${callId}`],
    );
    const after = await supervisor.until(() => supervisor.snapshots[1]);
    expect(after.calls?.live.map((call) => call.callId)).toContain(callId);
    expect(after.calls!.today.started).toBe(before.calls!.today.started + 1);
  });

  it('relays an agent’s ready / not-ready to call-control as a command, and the resulting state back to the agent and the wallboard', async () => {
    const agentUser: { id: string }[] = await a.dataSource.query(`SELECT id FROM users WHERE username = 'agent'`);
    await a.dataSource.query(`INSERT INTO acd_agents (id, name, user_id) VALUES ('a1001', '话务员 李敏', $1)`, [agentUser[0]!.id]);
    // A stand-in for call-control: answers each command, and publishes the state change it causes.
    const prefix = a.config.REDIS_PREFIX;
    const subscriber = new Redis(testEnvironment.TEST_REDIS_URL);
    const publisher = new Redis(testEnvironment.TEST_REDIS_URL);
    const commands: unknown[] = [];
    subscriber.on('message', (_channel: string, raw: string) => {
      const command = parseHotlineCommand(raw);
      commands.push(command);
      const payload = command.payload as { agentId: string; state: 'ready' | 'not_ready'; reason?: string };
      void publisher.publish(hotlineCommandResultChannel(prefix), JSON.stringify({ commandId: command.id, ok: true, result: {} })).then(() =>
        publisher.publish(
          hotlineEventChannel(prefix),
          JSON.stringify({
            id: randomUUID(),
            type: 'agent.state-changed',
            version: 1,
            occurredAt: new Date().toISOString(),
            payload: { agentId: payload.agentId, state: payload.state, previousState: 'logged_out', reason: payload.reason ?? null, seat: '1001', callId: null },
          }),
        ),
      );
    });
    await subscriber.subscribe(hotlineCommandChannel(prefix));
    try {
      const agent = track(await connected(b.url, tokens.agent!));
      const supervisor = track(await connected(a.url, tokens.supervisor!));
      expect(agent.snapshots[0]!.agent).toMatchObject({ agentId: 'a1001', state: 'logged_out' });
      expect(agent.snapshots[0]!.rooms).toContain('agent:a1001');

      const refused = await agent.socket.emitWithAck('agent.set-state', { state: 'not_ready' });
      expect(refused).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
      await expect(agent.socket.emitWithAck('agent.set-state', { state: 'not_ready', reason: '培训' })).resolves.toEqual({ ok: true });
      expect(commands).toEqual([expect.objectContaining({ type: 'agent.set-state', payload: { agentId: 'a1001', state: 'not_ready', reason: '培训', requestedBy: 'agent' } })]);
      const own = await agent.until(() => agent.events.find((e) => e.type === 'agent.state-changed'));
      expect(own.payload).toMatchObject({ agentId: 'a1001', state: 'not_ready', reason: '培训' });
      await supervisor.until(() => supervisor.events.find((e) => e.type === 'agent.state-changed'));

      // A reviewer is no agent: refused before anything reaches call-control.
      const reviewer = track(await connected(b.url, tokens.reviewer!));
      await expect(reviewer.socket.emitWithAck('agent.set-state', { state: 'ready' })).resolves.toMatchObject({ ok: false, code: 'NOT_AN_AGENT' });
      expect(commands).toHaveLength(1);
    } finally {
      subscriber.disconnect();
      publisher.disconnect();
    }
  });
});
