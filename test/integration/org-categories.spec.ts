import request from 'supertest';
import { DEMO_PASSWORD } from '@hotline/auth';
import { WorkOrdersHttpModule } from '../../apps/api/src/work-orders/work-orders-http.module';
import { categoryId, createWorkOrdersHarness, WorkOrdersHarness } from '../support/work-orders-harness';

describe('POST /categories: admins add matter categories (real Postgres + Redis)', () => {
  let harness: WorkOrdersHarness;
  const tokens: Record<string, string> = {};
  const http = () => request(harness.app.getHttpServer());
  const as = (username: string) => ({ Authorization: `Bearer ${tokens[username]}` });

  beforeAll(async () => {
    harness = await createWorkOrdersHarness({ label: 'org_categories', modules: [WorkOrdersHttpModule], now: '2026-11-23T09:00:00+08:00' });
    for (const username of ['admin', 'supervisor']) {
      tokens[username] = (await http().post('/auth/login').send({ username, password: DEMO_PASSWORD }).expect(200)).body.accessToken;
    }
  });

  afterAll(async () => harness?.close());

  it('creates a top-level category and a child under it; both are listed and usable at once', async () => {
    const top = await http().post('/categories').set(as('admin')).send({ code: 'tourism', name: '文化旅游' }).expect(201);
    expect(top.body).toMatchObject({ code: 'tourism', name: '文化旅游', parentId: null, id: expect.any(String) });
    const child = await http().post('/categories').set(as('admin')).send({ code: 'tourism.scenic', name: '景区服务', parentId: top.body.id }).expect(201);
    expect(child.body).toMatchObject({ code: 'tourism.scenic', parentId: top.body.id });
    const list = await http().get('/categories').set(as('supervisor')).expect(200);
    expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'tourism.scenic', name: '景区服务', parentId: top.body.id })]));
    await expect(categoryId(harness.dataSource, 'tourism.scenic')).resolves.toBe(child.body.id);
  });

  it('answers 400 naming the field and rule, 400 for a missing parent or a code outside it, 409 for a duplicate code', async () => {
    const bad = await http().post('/categories').set(as('admin')).send({ code: 'Bad Code', name: '', parentId: 'x', extra: 1 }).expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'code', rule: 'regex' }),
        expect.objectContaining({ field: 'name', rule: 'min' }),
        expect.objectContaining({ field: 'parentId' }),
        expect.objectContaining({ field: 'extra', rule: 'unknown_field' }),
      ]),
    );
    const missing = await http()
      .post('/categories')
      .set(as('admin'))
      .send({ code: 'ghost.child', name: '无父分类', parentId: '00000000-0000-4000-8000-000000000000' })
      .expect(400);
    expect(missing.body.code).toBe('PARENT_CATEGORY_MISSING');
    const market = await categoryId(harness.dataSource, 'market');
    const outside = await http().post('/categories').set(as('admin')).send({ code: 'housing.noise', name: '噪音', parentId: market }).expect(400);
    expect(outside.body.code).toBe('CATEGORY_CODE_OUTSIDE_PARENT');
    const duplicate = await http().post('/categories').set(as('admin')).send({ code: 'market.consumer', name: '重复', parentId: market }).expect(409);
    expect(duplicate.body).toMatchObject({ code: 'CATEGORY_CODE_TAKEN' });
    const rows: { count: string }[] = await harness.dataSource.query(`SELECT count(*) FROM categories WHERE code IN ('ghost.child', 'housing.noise') OR name = '重复'`);
    expect(rows[0]!.count).toBe('0');
  });

  it('is for admins only', async () => {
    expect((await http().post('/categories').set(as('supervisor')).send({ code: 'nope', name: '无权' }).expect(403)).body.code).toBe('ROLE_REQUIRED');
    expect((await http().post('/categories').send({ code: 'nope', name: '无权' }).expect(401)).body.code).toBe('TOKEN_MISSING');
  });
});
