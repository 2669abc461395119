import request from 'supertest';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DEMO_PASSWORD } from '@hotline/auth';
import { WorkOrdersHttpModule } from '../../apps/api/src/work-orders/work-orders-http.module';
import { categoryId, createWorkOrdersHarness, loadOrgFixture, OrgFixture, WorkOrdersHarness } from '../support/work-orders-harness';

describe('work-orders HTTP api (real Postgres + Redis)', () => {
  let harness: WorkOrdersHarness;
  let org: OrgFixture;
  let consumer: string;
  const tokens: Record<string, string> = {};
  let sequence = 0;
  const http = () => request(harness.app.getHttpServer());
  const as = (username: string) => ({ Authorization: `Bearer ${tokens[username]}` });

  beforeAll(async () => {
    harness = await createWorkOrdersHarness({
      label: 'wo_api',
      modules: [WorkOrdersHttpModule],
      now: '2026-11-23T09:00:00+08:00',
      config: { PROGRESS_LOOKUP_PER_MINUTE: '3' },
    });
    org = await loadOrgFixture(harness.dataSource);
    consumer = await categoryId(harness.dataSource, 'market.consumer');
    for (const username of ['agent', 'supervisor', 'quality', 'reviewer', 'admin', 'market.handler', 'market.admin', 'housing.handler']) {
      const response = await http().post('/auth/login').send({ username, password: DEMO_PASSWORD }).expect(200);
      tokens[username] = response.body.accessToken;
    }
  });

  afterAll(async () => harness?.close());

  const intakeBody = (overrides: Record<string, unknown> = {}) => ({
    channel: 'phone',
    type: 'complaint',
    categoryId: consumer,
    regionCode: '652701',
    subject: `小区噪音扰民 ${++sequence}`,
    content: `楼下商铺夜间施工噪音扰民, 影响休息, 编号 ${sequence}`,
    caller: { phone: `1391234${String(sequence).padStart(4, '0')}`, name: '李女士' },
    ...overrides,
  });

  const createDispatched = async (overrides: Record<string, unknown> = {}) => {
    const created = await http().post('/work-orders').set(as('agent')).send(intakeBody(overrides)).expect(201);
    const order = created.body.workOrder;
    const dispatched = await http()
      .post(`/work-orders/${order.id}/dispatch`)
      .set(as('agent'))
      .send({ version: order.version, leadUnitId: org.units['city.market'] })
      .expect(200);
    return dispatched.body.workOrder;
  };

  describe('auth', () => {
    it('logs in with argon2-hashed demo users and refuses bad passwords and missing tokens', async () => {
      const me = await http().get('/auth/me').set(as('market.handler')).expect(200);
      expect(me.body).toMatchObject({ username: 'market.handler', roles: ['unit_handler'], unitId: org.units['city.market'] });
      const hash: { password_hash: string }[] = await harness.dataSource.query(`SELECT password_hash FROM users WHERE username = 'agent'`);
      expect(hash[0].password_hash).toMatch(/^\$argon2id\$/);
      expect((await http().post('/auth/login').send({ username: 'agent', password: 'wrong' }).expect(401)).body.code).toBe('INVALID_CREDENTIALS');
      expect((await http().post('/auth/login').send({ username: 'nobody', password: 'wrong' }).expect(401)).body.code).toBe('INVALID_CREDENTIALS');
      expect((await http().get('/work-orders').expect(401)).body.code).toBe('TOKEN_MISSING');
      expect((await http().get('/work-orders').set({ Authorization: 'Bearer forged.token.here' }).expect(401)).body.code).toBe('TOKEN_INVALID');
    });

    it('guards admin endpoints by role', async () => {
      expect((await http().get('/users').set(as('agent')).expect(403)).body.code).toBe('ROLE_REQUIRED');
      await http().get('/users').set(as('admin')).expect(200);
      const tree = await http().get('/units').set(as('agent')).expect(200);
      expect(tree.body.map((unit: { code: string }) => unit.code)).toEqual(expect.arrayContaining(['centre', 'city']));
    });
  });

  describe('validation and error mapping', () => {
    it('answers 400 naming each field and the rule it broke', async () => {
      const response = await http()
        .post('/work-orders')
        .set(as('agent'))
        .send({ ...intakeBody(), type: 'gossip', subject: '', caller: { phone: 'abc' }, extra: 1 })
        .expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'type', rule: 'enum' }),
          expect.objectContaining({ field: 'subject', rule: 'min' }),
          expect.objectContaining({ field: 'caller.phone', rule: 'regex' }),
          expect.objectContaining({ field: 'extra', rule: 'unknown_field' }),
        ]),
      );
      const list = await http().get('/work-orders?limit=500').set(as('agent')).expect(400);
      expect(list.body.issues).toEqual([expect.objectContaining({ field: 'limit', rule: 'max' })]);
    });

    it('answers 409 with the reason code for illegal transitions and stale versions, 403 for roles, 404 for other units', async () => {
      const order = await createDispatched();
      const illegal = await http().post(`/work-orders/${order.id}/archive`).set(as('reviewer')).send({ version: order.version }).expect(409);
      expect(illegal.body).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { command: 'archive', status: 'dispatched' } });
      const stale = await http().post(`/work-orders/${order.id}/sign`).set(as('market.handler')).send({ version: order.version - 1 }).expect(409);
      expect(stale.body.code).toBe('STALE_VERSION');
      expect((await http().post(`/work-orders/${order.id}/sign`).set(as('agent')).send({ version: order.version }).expect(403)).body.code).toBe('ROLE_NOT_ALLOWED');
      expect((await http().post(`/work-orders/${order.id}/sign`).set(as('housing.handler')).send({ version: order.version }).expect(404)).body.code).toBe('WORK_ORDER_NOT_FOUND');
      await http().post(`/work-orders/${order.id}/sign`).set(as('market.handler')).send({ version: order.version }).expect(200);
    });
  });

  describe('confidentiality and masking, per role and endpoint', () => {
    let confidential: { id: string; number: string; version: number };
    let open: { id: string; number: string; version: number };

    beforeAll(async () => {
      confidential = await createDispatched({ confidential: true, caller: { phone: '13800001111', name: '王举报' } });
      open = await createDispatched({ confidential: false, caller: { phone: '13800002222', name: '赵市民' } });
    });

    const auditRows = async (orderId: string) =>
      (await harness.dataSource.query(`SELECT u.username, a.fields FROM sensitive_read_audit a JOIN users u ON u.id = a.user_id WHERE a.order_id = $1`, [orderId])) as {
        username: string;
        fields: string[];
      }[];

    it('GET /work-orders/:id: unit roles never see a confidential caller; contact roles see the full number, audited', async () => {
      for (const username of ['market.handler', 'market.admin']) {
        const body = (await http().get(`/work-orders/${confidential.id}`).set(as(username)).expect(200)).body;
        expect(body.caller).toEqual({ phone: null, name: null, identityWithheld: true, contactPreference: 'phone' });
        expect(JSON.stringify(body)).not.toContain('13800001111');
        expect(JSON.stringify(body)).not.toContain('王举报');
      }
      const agentView = (await http().get(`/work-orders/${confidential.number}`).set(as('agent')).expect(200)).body;
      expect(agentView.caller).toMatchObject({ phone: '13800001111', name: '王举报' });
      expect((await http().get(`/work-orders/${open.id}`).set(as('market.handler')).expect(200)).body.caller.phone).toBe('13800002222');
      expect((await http().get(`/work-orders/${open.id}`).set(as('market.admin')).expect(200)).body.caller.phone).toBe('138****2222');
      expect((await http().get(`/work-orders/${open.id}`).set(as('admin')).expect(200)).body.caller.phone).toBe('138****2222');
      expect(await auditRows(confidential.id)).toEqual([{ username: 'agent', fields: ['caller_phone', 'caller_name'] }]);
      expect(await auditRows(open.id)).toEqual([{ username: 'market.handler', fields: ['caller_phone'] }]);
    });

    it('GET /work-orders: lists mask every number and withhold confidential callers from units', async () => {
      const unitList = (await http().get('/work-orders?limit=100').set(as('market.handler')).expect(200)).body.items;
      const unitConfidential = unitList.find((item: { id: string }) => item.id === confidential.id);
      expect(unitConfidential.caller).toMatchObject({ phone: null, name: null, identityWithheld: true });
      expect(unitList.find((item: { id: string }) => item.id === open.id).caller.phone).toBe('138****2222');
      const agentList = (await http().get('/work-orders?limit=100').set(as('agent')).expect(200)).body.items;
      expect(agentList.find((item: { id: string }) => item.id === confidential.id).caller.phone).toBe('138****1111');
      expect((await http().get('/work-orders?limit=100').set(as('housing.handler')).expect(200)).body.items).toEqual([]);
    });

    it('GET /work-orders/:id/events and command answers do not leak the identity either', async () => {
      const events = (await http().get(`/work-orders/${confidential.id}/events`).set(as('market.handler')).expect(200)).body;
      expect(events[0].type).toBe('intake');
      expect(JSON.stringify(events)).not.toContain('13800001111');
      expect(JSON.stringify(events)).not.toContain('王举报');
      const signed = (await http().post(`/work-orders/${confidential.id}/sign`).set(as('market.handler')).send({ version: confidential.version }).expect(200)).body;
      expect(signed.workOrder.caller).toMatchObject({ phone: null, name: null });
    });

    it('GET /work-orders/export.csv: masked numbers, no confidential identity for units', async () => {
      const unitCsv = await http().get('/work-orders/export.csv').set(as('market.handler')).expect(200);
      expect(unitCsv.headers['content-type']).toContain('text/csv');
      expect(unitCsv.text).not.toContain('13800001111');
      expect(unitCsv.text).not.toContain('13800002222');
      expect(unitCsv.text).toContain('138****2222');
      expect(unitCsv.text.split('\n')[0]).toContain('number,status,type');
    });
  });

  describe('citizen progress lookup', () => {
    it('answers with progress for the right digits, the same 404 for wrong ones, and rate-limits', async () => {
      const order = await createDispatched({ caller: { phone: '13912345678' } });
      const ok = await http().get(`/progress?number=${order.number}&phoneLast4=5678`).expect(200);
      expect(ok.body).toMatchObject({ number: order.number, status: 'dispatched', statusLabel: '已派单', dispatched: true });
      expect(JSON.stringify(ok.body)).not.toContain('1391234');
      expect((await http().get(`/progress?number=${order.number}&phoneLast4=0000`).expect(404)).body.code).toBe('WORK_ORDER_NOT_FOUND');
      expect((await http().get(`/progress?number=2026010100001&phoneLast4=5678`).expect(404)).body.code).toBe('WORK_ORDER_NOT_FOUND');
      const limited = await http().get(`/progress?number=${order.number}&phoneLast4=1111`).expect(429);
      expect(limited.body.code).toBe('TOO_MANY_LOOKUPS');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await http().get('/progress?number=123&phoneLast4=12').expect(400);
    });
  });

  describe('duplicates', () => {
    it('gives the agent the open order instead of a new one, and flags a repeat after a clear answer', async () => {
      const phone = '13700007777';
      const body = { subject: '路灯不亮', content: '青得里大街 18 号门口的路灯已经坏了一个星期, 晚上很黑', caller: { phone } };
      const first = (await http().post('/work-orders').set(as('agent')).send(intakeBody(body)).expect(201)).body.workOrder;
      const duplicate = await http()
        .post('/work-orders')
        .set(as('agent'))
        .send(intakeBody({ ...body, subject: '路灯不亮了', content: '青得里大街 18 号门口的路灯坏了一个星期, 晚上很黑, 请尽快修' }))
        .expect(409);
      expect(duplicate.body).toMatchObject({ code: 'DUPLICATE_OPEN_ORDER', details: { existing: [expect.objectContaining({ number: first.number })] } });
      const check = await http().post('/work-orders/duplicate-check').set(as('agent')).send({ callerPhone: phone, subject: '路灯不亮', content: body.content }).expect(200);
      expect(check.body.openWithinDeadline).toEqual([expect.objectContaining({ number: first.number })]);
      // A different matter from the same caller is not a duplicate.
      await http().post('/work-orders').set(as('agent')).send(intakeBody({ subject: '咨询社保卡办理', content: '请问社保卡丢失后如何补办', caller: { phone } })).expect(201);

      // Answered and archived: a new report of the same matter is accepted and flagged.
      const closedOne = (
        await http().post('/work-orders').set(as('agent')).send(intakeBody({ ...body, caller: { phone: '13700008888' }, disposition: { kind: 'resolve_on_spot', answer: '已告知报修渠道' } })).expect(201)
      ).body.workOrder;
      const again = (await http().post('/work-orders').set(as('agent')).send(intakeBody({ ...body, caller: { phone: '13700008888' } })).expect(201)).body;
      expect(again.repeatedAfterAnswerOf).toBe(closedOne.id);
    });
  });

  describe('list and search', () => {
    it('filters, searches Chinese text as phrases and pages with a keyset cursor', async () => {
      for (let i = 0; i < 5; i += 1) {
        harness.clock.advance(60_000);
        await http().post('/work-orders').set(as('agent')).send(intakeBody({ subject: `共享单车乱停放 ${i}`, content: `地铁站口共享单车乱停放堵塞人行道 ${i}`, type: 'suggestion' })).expect(201);
      }
      const found = (await http().get(`/work-orders?q=${encodeURIComponent('单车乱停')}&limit=100`).set(as('agent')).expect(200)).body.items;
      expect(found).toHaveLength(5);
      expect((await http().get(`/work-orders?q=${encodeURIComponent('单乱车停')}`).set(as('agent')).expect(200)).body.items).toHaveLength(0);
      const suggestions = (await http().get('/work-orders?type=suggestion&limit=100').set(as('agent')).expect(200)).body.items;
      expect(suggestions).toHaveLength(5);
      const page1 = (await http().get('/work-orders?type=suggestion&limit=2').set(as('agent')).expect(200)).body;
      const page2 = (await http().get(`/work-orders?type=suggestion&limit=2&cursor=${page1.nextCursor}`).set(as('agent')).expect(200)).body;
      const page3 = (await http().get(`/work-orders?type=suggestion&limit=2&cursor=${page2.nextCursor}`).set(as('agent')).expect(200)).body;
      expect([...page1.items, ...page2.items, ...page3.items].map((item: { id: string }) => item.id)).toEqual(suggestions.map((item: { id: string }) => item.id));
      expect(page3.nextCursor).toBeNull();
      expect((await http().get('/work-orders?status=dispatched&regionCode=6527&limit=100').set(as('agent')).expect(200)).body.items.length).toBeGreaterThan(0);
      expect((await http().get('/work-orders?regionCode=11&limit=100').set(as('agent')).expect(200)).body.items).toEqual([]);
      expect((await http().get('/work-orders?cursor=bogus').set(as('agent')).expect(400)).body.details.field).toBe('cursor');
    });
  });

  it('documents every endpoint in OpenAPI with request schemas', () => {
    const document = SwaggerModule.createDocument(harness.app, new DocumentBuilder().build());
    const paths = Object.keys(document.paths);
    for (const path of ['/auth/login', '/work-orders', '/work-orders/{id}/dispatch', '/work-orders/{id}/rating', '/progress', '/sla/calendar/{date}', '/units']) {
      expect(paths).toContain(path);
    }
    const intake = document.paths['/work-orders'].post!;
    expect(JSON.stringify(intake.requestBody)).toContain('"disposition"');
    expect(Object.keys(intake.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404', '409']));
  });
});
