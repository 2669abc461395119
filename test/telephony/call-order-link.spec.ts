/**
 * Call ↔ work order against the real Asterisk: SIPp citizens call, a SIPp agent phone answers through the
 * ACD, and the api is in-process. A caller with an open order has the call attached to it (link row and a
 * timeline entry on the order); a new caller gets a draft that the agent files, which links the call. Both
 * directions are then read through the api, and the screen pop carries the caller's previous orders.
 */
import { findFreePorts } from '@hotline/provisioning';
import type { CallListDto, CallSummaryDto, WorkOrderViewDto } from '@hotline/contracts';
import type { HotlineEvent } from '@hotline/realtime';
import { runSipp, SippRunResult, SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor, publishFlowOnLines } from '../support/call-control-harness';

jest.setTimeout(10 * 60_000);

const DIRECT_FLOW = { start: 'queue', nodes: { queue: { type: 'queue' } } };
const RETURNING = '13700005001';
const NEW_CALLER = '13700005002';
const PAST_CALLER = '13700005003';

describe('call ↔ work order (real Asterisk, SIPp citizens and agent phone, api in-process)', () => {
  let h: CallControlHarness;
  let phones: SippUas;
  let agentAuth: Record<string, string>;
  let categoryId: string;

  beforeAll(async () => {
    const [phonePort] = (await findFreePorts(1)) as number[];
    phones = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 500, TALK_MS: 6_000 }, localPort: phonePort!, timeoutMs: 600_000 });
    h = await startCallControlHarness('order-link', { rtpFrom: 42_000, rtpPorts: 100, withApi: true });
    await publishFlowOnLines(h.db, 'direct', DIRECT_FLOW);
    await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ('seat-1', 'seat-1', $1)`, [`sip:seat-1@127.0.0.1:${phonePort}`]);
    // The demo agent's login is ACD agent a1 (their own call history); a2 belongs to nobody.
    await h.db.query(`INSERT INTO acd_agents (id, name, user_id) VALUES ('a1', '李敏', (SELECT id FROM users WHERE username = 'agent')), ('a2', 'a2', NULL)`);
    await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ('a1', 'general', 5), ('a2', 'general', 5)`);
    for (const what of ['ivr-flows', 'lines', 'seats'] as const) expect(await h.commands.send('config.reload', { what, requestedBy: 'test' })).toMatchObject({ ok: true });
    expect((await h.commands.send('agent.login', { agentId: 'a1', seat: 'seat-1', requestedBy: 'test' })).ok).toBe(true);
    expect((await h.commands.send('agent.set-state', { agentId: 'a1', state: 'ready', requestedBy: 'test' })).ok).toBe(true);
    agentAuth = await h.api.auth('agent');
    [{ id: categoryId }] = (await h.db.query(`SELECT id FROM categories WHERE code = 'ecology.noise'`)).rows;
  });

  afterAll(async () => {
    await h?.commands.send('agent.logout', { agentId: 'a1', requestedBy: 'test' });
    await h?.close();
    await phones?.stop();
  });

  const intake = async (body: Record<string, unknown>) =>
    (await h.api.http().post('/api/work-orders').set(agentAuth).send({ channel: 'phone', type: 'complaint', categoryId, caller: { phone: RETURNING }, ...body }).expect(201)).body.workOrder as WorkOrderViewDto;

  /** A citizen who talks until the agent's phone hangs up (TALK_MS). */
  const citizen = async (caller: string): Promise<SippRunResult> => {
    const [sipPort, rtpPort] = (await findFreePorts(2)) as [number, number];
    return runSipp({
      scenarioFile: SIPP_SCENARIOS.citizenTalk,
      variables: { PRE_DTMF_MS: 500, DTMF_SEQUENCE: '', POST_DTMF_MS: 30_000 },
      service: '12345',
      remoteHost: '127.0.0.1',
      remotePort: h.asterisk.sipPort,
      localPort: sipPort,
      keys: { caller, rtp_port: rtpPort },
      timeoutMs: 90_000,
    });
  };

  const screenPop = async (caller: string): Promise<HotlineEvent<'call.work-order-draft'>> => {
    let found: HotlineEvent<'call.work-order-draft'> | undefined;
    await waitFor(() => {
      found = h.published.find((event): event is HotlineEvent<'call.work-order-draft'> => event.type === 'call.work-order-draft' && (event.payload as { callerNumber?: string }).callerNumber === caller);
      return !!found;
    }, 30_000, `the screen pop of ${caller}'s call`);
    return found!;
  };

  it("attaches a returning caller's call to their open order, with their previous orders in the screen pop", async () => {
    const open = await intake({ subject: '夜间施工噪声', content: '小区旁工地夜间施工，噪声扰民。' });
    const closed = await intake({ subject: '咨询噪声投诉渠道', content: '咨询噪声投诉渠道，已当场答复。', type: 'consultation', disposition: { kind: 'resolve_on_spot', answer: '可拨打12345或12369反映。' } });
    expect([open.status, closed.status]).toEqual(['accepted', 'closed']);

    const call = citizen(RETURNING);
    const pop = await screenPop(RETURNING);
    // The newest order is closed: the call goes to the open one.
    expect(pop.payload).toMatchObject({ agentId: 'a1', link: 'attached', openOrderId: open.id, attachedOrder: { id: open.id, number: open.number, status: 'accepted', subject: '夜间施工噪声' } });
    expect(pop.payload.draftId).toMatch(/^[0-9a-f-]{36}$/);
    expect(pop.payload.previousOrders.map((order) => [order.number, order.status])).toEqual([
      [closed.number, 'closed'],
      [open.number, 'accepted'],
    ]);
    expect(pop.payload.previousOrders[0]).toEqual(expect.objectContaining({ subject: '咨询噪声投诉渠道', createdAt: expect.any(String), confidential: false }));
    const callId = pop.payload.callId;

    // The order's side: the link row and a timeline entry by the agent who answered.
    expect((await h.db.query(`SELECT order_id FROM work_order_calls WHERE call_id = $1`, [callId])).rows).toEqual([{ order_id: open.id }]);
    const events = (await h.api.http().get(`/api/work-orders/${open.id}/events`).set(agentAuth).expect(200)).body as Array<{ type: string; payload: Record<string, unknown> }>;
    expect(events.find((event) => event.type === 'call_linked')?.payload).toEqual({ callId, agentId: 'a1', automatic: true });

    expect((await call).logLines).toContain('hangup=remote');
    // Both directions through the api: the call names the order, the order lists the call with its recording.
    await waitFor(async () => (await h.db.query(`SELECT status FROM recordings WHERE call_id = $1`, [callId])).rows[0]?.status === 'finalised', 30_000, 'the recording to be finalised');
    const callView = (await h.api.http().get(`/api/calls/${callId}`).set(agentAuth).expect(200)).body as CallSummaryDto;
    expect(callView).toMatchObject({ agentId: 'a1', linkedOrders: [{ id: open.id, number: open.number, status: 'accepted', subject: '夜间施工噪声' }] });
    const orderView = (await h.api.http().get(`/api/work-orders/${open.id}`).set(agentAuth).expect(200)).body as WorkOrderViewDto;
    expect(orderView.calls).toEqual([
      expect.objectContaining({ callId, direction: 'inbound', status: 'ended', agentId: 'a1', recordings: [expect.objectContaining({ kind: 'call', status: 'finalised', durationMs: expect.any(Number) })] }),
    ]);
    // A unit never sees the calls (nor is the order its own yet).
    const unit = await h.api.auth('market.handler');
    await h.api.http().get(`/api/calls/${callId}`).set(unit).expect(403);

    // Previous orders by caller through the list api.
    const previous = (await h.api.http().get(`/api/work-orders?callerNumber=${RETURNING}`).set(agentAuth).expect(200)).body as { items: WorkOrderViewDto[] };
    expect(previous.items.map((order) => order.number)).toEqual([closed.number, open.number]);
    await h.api.http().get('/api/work-orders?callerNumber=not-a-number').set(agentAuth).expect(400);
  });

  it('gives a new caller a draft; filing it links the call both ways; agents read their own call history only', async () => {
    const call = citizen(NEW_CALLER);
    const pop = await screenPop(NEW_CALLER);
    expect(pop.payload).toMatchObject({ agentId: 'a1', link: 'draft', attachedOrder: null, openOrderId: null, previousOrders: [] });
    const callId = pop.payload.callId;
    expect((await h.db.query(`SELECT status, call_id FROM call_order_drafts WHERE id = $1`, [pop.payload.draftId])).rows).toEqual([{ status: 'open', call_id: callId }]);

    // The agent files the order from the screen pop's draft while still talking.
    const filed = await intake({ subject: '道路积水', content: '路口积水严重，影响通行。', caller: { phone: NEW_CALLER }, draftId: pop.payload.draftId });
    expect((await h.db.query(`SELECT status, work_order_id FROM call_order_drafts WHERE id = $1`, [pop.payload.draftId])).rows).toEqual([{ status: 'submitted', work_order_id: filed.id }]);
    // A draft is filed once.
    const again = await h.api.http().post('/api/work-orders').set(agentAuth).send({ channel: 'phone', type: 'complaint', categoryId, subject: '再次', content: '再次', caller: { phone: NEW_CALLER }, draftId: pop.payload.draftId });
    expect(again.status).toBe(400);
    await call;

    const callView = (await h.api.http().get(`/api/calls/${callId}`).set(agentAuth).expect(200)).body as CallSummaryDto;
    expect(callView.linkedOrders).toEqual([expect.objectContaining({ id: filed.id, number: filed.number, subject: '道路积水' })]);
    const orderView = (await h.api.http().get(`/api/work-orders/${filed.id}`).set(agentAuth).expect(200)).body as WorkOrderViewDto;
    expect(orderView.calls?.map((linked) => linked.callId)).toEqual([callId]);

    // The agent's history: both calls they answered, newest first; another agent's history is refused.
    const history = (await h.api.http().get('/api/calls?agentId=a1&limit=10').set(agentAuth).expect(200)).body as CallListDto;
    expect(history.items.map((item) => item.callerNumber)).toEqual([NEW_CALLER, RETURNING]);
    await h.api.http().get('/api/calls?agentId=a2').set(agentAuth).expect(403);
    const asSupervisor = (await h.api.http().get('/api/calls?agentId=a1').set(await h.api.auth('supervisor')).expect(200)).body as CallListDto;
    expect(asSupervisor.items).toHaveLength(2);
    // Roles that do not talk to callers see the number masked, in the call and in its screen-pop event.
    const asAdmin = (await h.api.http().get(`/api/calls/${callId}`).set(await h.api.auth('admin')).expect(200)).body as CallSummaryDto;
    expect(asAdmin.callerNumber).toBe('137****5002');
    expect(asAdmin.events.find((event) => event.type === 'call.work-order-draft')?.payload.callerNumber).toBe('137****5002');
  });

  it('gives a caller whose orders are all closed a draft, with those orders in the screen pop', async () => {
    const closed = await intake({ subject: '咨询供暖时间', content: '咨询今年供暖开始时间，已当场答复。', type: 'consultation', caller: { phone: PAST_CALLER }, disposition: { kind: 'resolve_on_spot', answer: '11月15日开始供暖。' } });
    expect(closed.status).toBe('closed');
    const call = citizen(PAST_CALLER);
    const pop = await screenPop(PAST_CALLER);
    expect(pop.payload).toMatchObject({ agentId: 'a1', link: 'draft', attachedOrder: null, openOrderId: null });
    const [{ received_at: receivedAt }] = (await h.db.query(`SELECT received_at FROM work_orders WHERE id = $1`, [closed.id])).rows as Array<{ received_at: Date }>;
    expect(pop.payload.previousOrders).toEqual([
      { id: closed.id, number: closed.number, status: 'closed', subject: '咨询供暖时间', createdAt: receivedAt.toISOString(), confidential: false },
    ]);
    expect((await h.db.query(`SELECT status, call_id, open_order_id FROM call_order_drafts WHERE id = $1`, [pop.payload.draftId])).rows).toEqual([{ status: 'open', call_id: pop.payload.callId, open_order_id: null }]);
    expect((await h.db.query(`SELECT count(*)::int AS n FROM work_order_calls WHERE call_id = $1`, [pop.payload.callId])).rows).toEqual([{ n: 0 }]);
    await call;
  });
});
