import { DEMO_PASSWORD, seedDemoData } from '@hotline/auth';
import { ApiTestServer, startApiTestServer } from './api-test-server';

/**
 * Fixtures shared by the browser and realtime tests: a seeded api (demo units and users), logins, and the
 * ids the work-order API needs.
 */
export async function startSeededApi(label: string, overrides: Record<string, string> = {}): Promise<ApiTestServer> {
  const api = await startApiTestServer(label, overrides);
  try {
    await seedDemoData(api.dataSource);
  } catch (error) {
    await api.close();
    throw error;
  }
  return api;
}

export async function loginToken(apiUrl: string, username: string): Promise<string> {
  const response = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login ${username}: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

export async function apiCall<T>(apiUrl: string, token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${apiUrl}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export async function unitIds(api: ApiTestServer): Promise<Record<string, string>> {
  const rows: { id: string; code: string }[] = await api.dataSource.query(`SELECT id, code FROM units`);
  return Object.fromEntries(rows.map((row) => [row.code, row.id]));
}

export async function categoryIdByCode(api: ApiTestServer, code: string): Promise<string> {
  const rows: { id: string }[] = await api.dataSource.query(`SELECT id FROM categories WHERE code = $1`, [code]);
  if (!rows[0]) throw new Error(`no category ${code}`);
  return rows[0].id;
}

export interface OrderView {
  id: string;
  number: string;
  status: string;
  version: number;
}

let sequence = 0;

/** An order taken by the agent and dispatched to one unit, as the agent desk would do it over HTTP. */
export async function createDispatchedOrder(
  api: ApiTestServer,
  agentToken: string,
  leadUnitId: string,
  overrides: Record<string, unknown> = {},
): Promise<OrderView> {
  sequence += 1;
  const unique = `${Date.now() % 100000}${sequence}`;
  const created = await apiCall<{ workOrder: OrderView }>(api.url, agentToken, 'POST', '/work-orders', {
    channel: 'phone',
    type: 'complaint',
    categoryId: await categoryIdByCode(api, 'market.consumer'),
    regionCode: '652701',
    subject: `超市销售过期食品 ${unique}`,
    content: `青得里街道某超市货架上有过期酸奶, 要求查处并退款, 编号 ${unique}`,
    caller: { phone: `1391${unique.padStart(7, '0').slice(-7)}`, name: '王先生' },
    ...overrides,
  });
  const dispatched = await apiCall<{ workOrder: OrderView }>(api.url, agentToken, 'POST', `/work-orders/${created.workOrder.id}/dispatch`, {
    version: created.workOrder.version,
    leadUnitId,
  });
  return dispatched.workOrder;
}
