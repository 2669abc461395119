/**
 * 10,000 generated requests against the in-process api → no answer ≥ 500, and the run is bounded (< 2 min).
 * Paths come from the running api's OpenAPI document; the generator mixes wrong methods, malformed and
 * huge JSON, wrong content types, unicode, SQL-ish strings, bad UUIDs, negative and huge numbers, and
 * forged tokens with valid ones of every role. A fixed seed makes any failure replayable: the failing
 * requests are printed exactly as sent (FUZZ_SEED and FUZZ_REQUESTS override the defaults).
 */
import * as http from 'node:http';
import { DEMO_LOGINS, DEMO_PASSWORD } from '@hotline/auth';
import { SecurityApiServer, startSecurityApi } from '../support/security-api-server';
import { loginAs, RawRequest, rawRequest } from '../support/security-http';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 12345);
const CONCURRENCY = 8;
const TIME_BUDGET_MS = 120_000;

/** mulberry32: small, seedable, good enough to pick test inputs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY_STRINGS = [
  "' OR 1=1 --",
  "'; DROP TABLE work_orders; --",
  '" OR ""="',
  '1; SELECT pg_sleep(5)',
  '$1',
  '%',
  '_',
  '\\',
  '../../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%00',
  '\u0000',
  '\ud800',
  '𠜎𠜱𠝹𠱓',
  '市场监管局投诉🙂',
  '\u202e\u0041\u0042',
  'ｆｕｌｌｗｉｄｔｈ',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '-0',
  '1e309',
  '99999999999999999999999999',
  '-99999999999999999999',
  '2147483648',
  '9007199254740993',
  '0x7fffffff',
  '1.5',
  'true',
  '',
  ' ',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '7d3f1c8e-0000-4000-8000-00000000000',
  '7d3f1c8e-0000-4000-8000-0000000000000',
  'g7d3f1c8-0000-4000-8000-000000000001',
  '1234567890123',
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '9999',
  '-2026',
  'A'.repeat(5_000),
];

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE'];

interface Generated extends RawRequest {
  label: string;
}

function generator(paths: { path: string; methods: string[] }[], tokens: string[], rng: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
  const chance = (p: number) => rng() < p;
  const nasty = () => pick(NASTY_STRINGS);
  // Byte-wise, so lone surrogates and NULs go out as whatever UTF-8 makes of them; sometimes leaving
  // printable ASCII raw (quotes, %, .., /) to reach the router and parsers undecoded.
  const encode = (value: string) => {
    const raw = chance(0.3);
    return [...Buffer.from(value, 'utf8')]
      .map((byte) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) || (raw && byte > 0x20 && byte < 0x7f && byte !== 0x23 && byte !== 0x3f) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`))
      .join('');
  };

  const nastyValue = (depth = 0): unknown => {
    const roll = rng();
    if (roll < 0.3) return nasty();
    if (roll < 0.45) return pick([-1, 0, 1.5, -1e308, 1e308, 2 ** 53 + 1, -(2 ** 31), Number.MAX_SAFE_INTEGER]);
    if (roll < 0.55) return pick([null, true, false]);
    if (roll < 0.7 && depth < 3) return Array.from({ length: Math.floor(rng() * 4) }, () => nastyValue(depth + 1));
    if (roll < 0.85 && depth < 3) return nastyObject(depth + 1);
    return randomUuidLike();
  };
  const FIELD_NAMES = ['version', 'id', 'unitIds', 'leadUnitId', 'note', 'reason', 'subject', 'content', 'caller', 'phone', 'limit', 'cursor', 'username', 'password', 'code', 'name', 'roles', 'unitId', 'categoryId', 'decision', 'approve', 'callId', '__proto__', 'constructor'];
  const nastyObject = (depth = 0): Record<string, unknown> => {
    const object: Record<string, unknown> = {};
    for (let i = Math.floor(rng() * 6); i > 0; i -= 1) object[pick(FIELD_NAMES)] = nastyValue(depth);
    return object;
  };
  const randomUuidLike = () => {
    const hex = () => Math.floor(rng() * 16).toString(16);
    return `${Array.from({ length: 8 }, hex).join('')}-${Array.from({ length: 4 }, hex).join('')}-4${Array.from({ length: 3 }, hex).join('')}-8${Array.from({ length: 3 }, hex).join('')}-${Array.from({ length: 12 }, hex).join('')}`;
  };

  const body = (): { body?: string | Buffer; contentType?: string; label: string } => {
    const roll = rng();
    if (roll < 0.35) return { body: JSON.stringify(nastyObject()), contentType: 'application/json', label: 'nasty-object' };
    if (roll < 0.45) return { body: pick(['{', '{"a":', '[1,2', '{"a":1,}', "{'a':1}", 'nul', '\u0000', '{"a":"\\ud800"}', '{"__proto__":{"admin":true}}', '"just a string"', '123', 'null', '[]']), contentType: 'application/json', label: 'malformed-json' };
    if (roll < 0.5) return { body: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, contentType: 'application/json', label: 'deep-json' };
    if (roll < 0.505) return { body: Buffer.alloc(2 * 1024 * 1024, 0x61), contentType: 'application/json', label: 'huge-body' };
    if (roll < 0.515) return { body: JSON.stringify({ content: '投'.repeat(200_000) }), contentType: 'application/json', label: 'big-unicode' };
    if (roll < 0.6) return { body: `a=${encode(nasty())}&b[c]=1&__proto__[x]=1`, contentType: 'application/x-www-form-urlencoded', label: 'form' };
    if (roll < 0.65) return { body: nasty(), contentType: pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=gbk', 'application/json; charset=utf-16']), label: 'odd-type' };
    if (roll < 0.7) return { body: JSON.stringify(nastyObject()), contentType: undefined, label: 'no-type' };
    return { label: 'no-body' };
  };

  const query = (): string => {
    if (chance(0.5)) return '';
    const keys = ['limit', 'cursor', 'status', 'q', 'unitId', 'from', 'to', 'number', 'phoneLast4', 'year', 'type', 'overdue', 'limit[]', 'limit[$gt]', '__proto__[x]'];
    const parts = Array.from({ length: 1 + Math.floor(rng() * 4) }, () => `${encode(pick(keys))}=${encode(nasty())}`);
    return `?${parts.join('&')}`;
  };

  const path = (template: string): string =>
    template.replace(/\{(\w+)\}/g, () => (chance(0.25) ? randomUuidLike() : encode(nasty())) || 'x');

  const authorization = (): Record<string, string> => {
    const roll = rng();
    if (roll < 0.25) return {};
    if (roll < 0.75) return { authorization: `Bearer ${pick(tokens)}` };
    return { authorization: pick([`Bearer ${nasty()}`, 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', `Bearer ${'a'.repeat(10_000)}`, 'Basic YWRtaW46YWRtaW4=', 'Bearer']).replace(/[^\t\x20-\x7e]/g, '?') };
  };

  return (): Generated => {
    const route = pick(paths);
    const roll = rng();
    const method = roll < 0.7 ? pick(route.methods) : pick(METHODS);
    let target = `${path(route.path)}${query()}`;
    if (chance(0.05)) target = pick(['/api/%', '/api/work-orders/%E0%A4%A', '/api//work-orders', '/api/work-orders/../users', `/api/${'x/'.repeat(500)}`, '/api/work-orders?limit=1&limit=2', '/api/calls/%00']);
    const generated = method === 'GET' || method === 'HEAD' ? (chance(0.1) ? body() : { label: 'no-body' }) : body();
    const headers: Record<string, string> = { ...authorization() };
    if (generated.contentType) headers['content-type'] = generated.contentType;
    if (chance(0.02)) headers['x-forwarded-for'] = nasty().replace(/[^\t\x20-\x7e]/g, '?');
    return { method, path: target, headers, body: generated.body, label: `${method} ${route.path} ${generated.label}` };
  };
}

let documentOnce: Promise<{ paths: Record<string, Record<string, unknown>> }> | undefined;

/** The shipped api's OpenAPI document (the hardened variant serves none), read once per run. */
function openApiDocument(): Promise<{ paths: Record<string, Record<string, unknown>> }> {
  documentOnce ??= (async () => {
    const api = await startSecurityApi('api-fuzz-doc', { LOG_LEVEL: 'error' });
    try {
      return JSON.parse((await rawRequest(api.url, { method: 'GET', path: '/api/docs-json' })).body);
    } finally {
      await api.close();
    }
  })();
  return documentOnce;
}

function describeRequest(request: Generated): string {
  const body = request.body === undefined ? '' : typeof request.body === 'string' ? request.body : `<${request.body.length} bytes>`;
  return `${request.method} ${request.path.slice(0, 300)} headers=${JSON.stringify(request.headers).slice(0, 300)} body=${JSON.stringify(body.slice(0, 300))}`;
}

describe.each([
  ['as shipped', false],
  // With apps/api/src/http/request-body.parsing.ts wired in (see request-body.spec.ts): the same 0 × 5xx,
  // and no more "404 Cannot POST" for malformed or oversized bodies.
  ['with hardened body parsing', true],
])(`API fuzz: ${REQUESTS} generated requests (in-process api, real Postgres and Redis), %s`, (_, hardenedBodyParsing) => {
  let api: SecurityApiServer;
  const tokens: string[] = [];

  beforeAll(async () => {
    api = await startSecurityApi('api-fuzz', { LOG_LEVEL: 'warn' }, { hardenedBodyParsing });
    for (const login of DEMO_LOGINS) tokens.push(JSON.parse((await loginAs(api.url, login.username, DEMO_PASSWORD)).body).accessToken);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  it('answers every request below 500, within the time budget', async () => {
    const paths = Object.entries((await openApiDocument()).paths)
      // An endless stream: fuzzing it means holding connections open, not finding crashes.
      .filter(([path]) => path !== '/api/events/stream')
      .map(([path, operations]) => ({ path, methods: Object.keys(operations).map((m) => m.toUpperCase()) }));
    expect(paths.length).toBeGreaterThan(30);
    const next = generator(paths, tokens, random(SEED));
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const outcomes = new Map<string, number>();
    const started = Date.now();
    let sent = 0;
    try {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (sent < REQUESTS && Date.now() - started < TIME_BUDGET_MS) {
            sent += 1;
            const request = next();
            try {
              const response = await rawRequest(api.url, { ...request, agent, timeoutMs: 15_000 });
              statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
              const byLabel = request.label.replace(/^\S+ \S+ /, '');
              outcomes.set(`${byLabel} ${response.status}`, (outcomes.get(`${byLabel} ${response.status}`) ?? 0) + 1);
              // Health's 503 is its report that a dependency is down (Asterisk is, on purpose), not a failure.
              const healthReport = response.status === 503 && request.path.split('?')[0] === '/api/health';
              if (response.status >= 500 && !healthReport) failures.push(`${response.status} ← ${describeRequest(request)} → ${response.body.slice(0, 300)}`);
            } catch (error) {
              // A dropped connection is as bad as a 500: the server gave up on the request.
              const reason = error instanceof Error ? error.message : String(error);
              // ...except the server closing a connection after refusing an oversized body, which is HTTP.
              if (!(request.label.endsWith('huge-body') && /ECONNRESET|EPIPE|socket hang up/.test(reason))) failures.push(`no answer (${reason}) ← ${describeRequest(request)}`);
            }
          }
        }),
      );
    } finally {
      agent.destroy();
    }
    const elapsed = Date.now() - started;
    const summary = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}:${count}`).join(' ');
    process.stderr.write(`[fuzz${hardenedBodyParsing ? ', hardened body parsing' : ''}] ${sent} requests in ${(elapsed / 1000).toFixed(1)} s, seed ${SEED}; statuses ${summary}\n`);
    process.stderr.write(`[fuzz] by body kind: ${[...outcomes.entries()].sort().map(([key, count]) => `${key}:${count}`).join(' ')}\n`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(sent).toBe(REQUESTS);
    expect(elapsed).toBeLessThan(TIME_BUDGET_MS);
  }, TIME_BUDGET_MS + 60_000);
});
