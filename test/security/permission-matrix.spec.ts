/**
 * Role × endpoint permission matrix. Every route the running api answers (its OpenAPI document and
 * Express's router, which can disagree) must have an entry in ACCESS below, so a new endpoint fails this
 * test until someone decides who may call it. Each route is then called as anonymous and as each demo
 * user (one per role, two unit handlers in different units) and the answer's class is checked:
 * allowed (anything but 401/403, and never a 5xx), 401 or 403.
 *
 * "allowed" is the gate only: path ids are random UUIDs and bodies empty, so an allowed call ends in
 * 400/404 from validation or the domain. Unit scoping and lifecycle rules inside the domain are proven by
 * the work-order tests (test/integration/work-orders-*.spec.ts).
 */
import { randomUUID } from 'node:crypto';
import { DEMO_LOGINS, DEMO_PASSWORD } from '@hotline/auth';
import { Role } from '@hotline/org';
import { routerRoutes, SecurityApiServer, startSecurityApi } from '../support/security-api-server';
import { loginAs, rawRequest } from '../support/security-http';

/** public: anyone; authenticated: any valid token; a role list: only those roles (others 403). */
type Access = 'public' | 'authenticated' | readonly Role[];

const ADMIN_OR_SUPERVISOR = [Role.Admin, Role.Supervisor] as const;

/**
 * The expected matrix, keyed "METHOD /path" with OpenAPI-style {params}. Keep it in step with the
 * controllers' @UseGuards(AuthGuard) / @Roles: this is the reviewable statement of who may do what.
 */
const ACCESS: Record<string, Access> = {
  // Infrastructure: the OpenAPI document and UI, and the web app's static files and SPA fallback.
  'GET /api/docs': 'public',
  'GET /api/docs/': 'public',
  'GET /api/docs/index.html': 'public',
  'GET /api/docs/LICENSE': 'public',
  'GET /api/docs/swagger-ui-init.js': 'public',
  'GET /api/docs/docs/swagger-ui-init.js': 'public',
  'GET /api/docs-json': 'public',
  'GET /api/docs-yaml': 'public',
  'GET {*any}': 'public',
  // Reachability for load balancers and the status page: up/down for anyone; the reasons, latencies and
  // versions only with a supervisor's or admin's token (test/integration/api.spec.ts proves the redaction).
  'GET /api/health': 'public',
  // Call records (callers' numbers, linked orders, agents' histories): the centre's roles; units work from
  // orders. An agent may read only their own history (?agentId=, checked in libs/calls, not by this gate).
  'GET /api/calls': [Role.Agent, Role.Supervisor, Role.Quality, Role.Reviewer, Role.Admin],
  'GET /api/calls/{id}': [Role.Agent, Role.Supervisor, Role.Quality, Role.Reviewer, Role.Admin],
  // The live event stream carries callers' numbers: the centre's roles, by Bearer header or (browsers, whose
  // EventSource cannot send headers) a one-time ticket asked for with the token. Units work from orders.
  'GET /api/events/stream': [Role.Agent, Role.Supervisor, Role.Quality, Role.Reviewer, Role.Admin],
  'POST /api/events/ticket': [Role.Agent, Role.Supervisor, Role.Quality, Role.Reviewer, Role.Admin],
  'POST /api/auth/login': 'public',
  'GET /api/auth/me': 'authenticated',
  // Citizens' progress lookup: no login, rate-limited per client and per order.
  'GET /api/progress': 'public',
  'GET /api/units': 'authenticated',
  'POST /api/units': [Role.Admin],
  'GET /api/users': ADMIN_OR_SUPERVISOR,
  'POST /api/users': [Role.Admin],
  'GET /api/categories': 'authenticated',
  'POST /api/categories': [Role.Admin],
  'POST /api/work-orders/duplicate-check': [Role.Agent, Role.Supervisor],
  'GET /api/sla/presets': 'authenticated',
  'GET /api/sla/calendar': 'authenticated',
  'PUT /api/sla/calendar/{date}': [Role.Admin],
  'DELETE /api/sla/calendar/{date}': [Role.Admin],
  'POST /api/sla/calendar/years/{year}': [Role.Admin],
  // Work orders: any staff login passes the gate; which role may do which step to which order is the
  // lifecycle's rule (libs/work-orders), and unit roles see only their unit's orders.
  'POST /api/work-orders': 'authenticated',
  'GET /api/work-orders': 'authenticated',
  'GET /api/work-orders/export.csv': 'authenticated',
  'GET /api/work-orders/{id}': 'authenticated',
  'GET /api/work-orders/{id}/events': 'authenticated',
  'GET /api/work-orders/{id}/supervisions': 'authenticated',
  'GET /api/work-orders/{id}/ratings': 'authenticated',
  'POST /api/work-orders/{id}/decline': 'authenticated',
  'POST /api/work-orders/{id}/dispatch': 'authenticated',
  'POST /api/work-orders/{id}/sign': 'authenticated',
  'POST /api/work-orders/{id}/contact': 'authenticated',
  'POST /api/work-orders/{id}/return': 'authenticated',
  'POST /api/work-orders/{id}/return-decision': 'authenticated',
  'POST /api/work-orders/{id}/objection': 'authenticated',
  'POST /api/work-orders/{id}/arbitration': 'authenticated',
  'POST /api/work-orders/{id}/extension-requests': 'authenticated',
  'POST /api/work-orders/{id}/extension-decision': 'authenticated',
  'POST /api/work-orders/{id}/contributions': 'authenticated',
  'POST /api/work-orders/{id}/reply': 'authenticated',
  'POST /api/work-orders/{id}/review': 'authenticated',
  'POST /api/work-orders/{id}/rating': 'authenticated',
  'POST /api/work-orders/{id}/follow-up-conclusion': 'authenticated',
  'POST /api/work-orders/{id}/reopen': 'authenticated',
  'POST /api/work-orders/{id}/archive': 'authenticated',
  'POST /api/work-orders/{id}/supervision': 'authenticated',
  'POST /api/work-orders/{id}/calls': 'authenticated',
  // Recordings (全程录音): the list and metadata also to agents (their calls); the audio itself only to
  // those who review calls. Pausing is for the agent on the call and the supervisor.
  'GET /api/calls/{callId}/recordings': [Role.Quality, Role.Supervisor, Role.Admin, Role.Agent],
  'GET /api/recordings/{id}': [Role.Quality, Role.Supervisor, Role.Admin, Role.Agent],
  'GET /api/recordings/{id}/audio': [Role.Quality, Role.Supervisor, Role.Admin],
  'POST /api/calls/{callId}/recording/pause': [Role.Agent, Role.Supervisor],
  'POST /api/calls/{callId}/recording/resume': [Role.Agent, Role.Supervisor],
  // IVR flows as data, lines (DNIS) and caller lists (issue 5): flows and lines are the administrator's;
  // supervisors read lines and keep the caller lists (elderly, VIP, blocked).
  'GET /api/ivr/flows': [Role.Admin],
  'POST /api/ivr/flows/validate': [Role.Admin],
  'GET /api/ivr/flows/{name}/versions': [Role.Admin],
  'POST /api/ivr/flows/{name}/versions': [Role.Admin],
  'POST /api/ivr/flows/{name}/versions/{version}/publish': [Role.Admin],
  'POST /api/ivr/flows/{name}/rollback': [Role.Admin],
  'GET /api/lines': ADMIN_OR_SUPERVISOR,
  'PUT /api/lines/{number}': [Role.Admin],
  'GET /api/caller-lists/{list}': ADMIN_OR_SUPERVISOR,
  'PUT /api/caller-lists/{list}/{number}': ADMIN_OR_SUPERVISOR,
  'DELETE /api/caller-lists/{list}/{number}': ADMIN_OR_SUPERVISOR,
  // ACD (issue 5): agents change their own state (the domain checks it is theirs), supervisors anyone's;
  // queues, figures, abandoned calls and callbacks are the supervisors'; agents, seats are the admin's.
  'GET /api/acd/agents': ADMIN_OR_SUPERVISOR,
  'PUT /api/acd/agents/{agentId}': [Role.Admin],
  'POST /api/acd/agents/{agentId}/login': [Role.Agent, Role.Supervisor],
  'POST /api/acd/agents/{agentId}/logout': [Role.Agent, Role.Supervisor],
  'PUT /api/acd/agents/{agentId}/state': [Role.Agent, Role.Supervisor],
  'GET /api/acd/queues': [...ADMIN_OR_SUPERVISOR, Role.Agent],
  'PUT /api/acd/queues/{skill}': [Role.Admin],
  'GET /api/acd/queues/{skill}/stats': ADMIN_OR_SUPERVISOR,
  'GET /api/acd/abandoned': ADMIN_OR_SUPERVISOR,
  'POST /api/acd/callbacks': ADMIN_OR_SUPERVISOR,
  'GET /api/acd/seats': ADMIN_OR_SUPERVISOR,
  'PUT /api/acd/seats/{seatId}': [Role.Admin],
  // Satisfaction surveys: the quality desk works the follow-ups; coverage figures also for admin.
  'GET /api/surveys/follow-ups': [Role.Quality, Role.Supervisor, Role.Reviewer],
  'POST /api/surveys/follow-ups/{id}/classify': [Role.Quality, Role.Supervisor, Role.Reviewer],
  'GET /api/surveys/coverage': [Role.Quality, Role.Supervisor, Role.Reviewer, Role.Admin],
  // Supervision (issue 7): supervisors (scoped to the queues they supervise, checked in the domain) and
  // admins act on live calls and agents; quality reads the audit; the admin sets supervisors' seats/queues.
  'POST /api/supervision/calls/{callId}/listen': ADMIN_OR_SUPERVISOR,
  'POST /api/supervision/calls/{callId}/whisper': ADMIN_OR_SUPERVISOR,
  'POST /api/supervision/calls/{callId}/barge': ADMIN_OR_SUPERVISOR,
  'POST /api/supervision/calls/{callId}/take-over': ADMIN_OR_SUPERVISOR,
  'POST /api/supervision/calls/{callId}/release': ADMIN_OR_SUPERVISOR,
  'DELETE /api/supervision/calls/{callId}': ADMIN_OR_SUPERVISOR,
  'GET /api/supervision/calls/{callId}': [...ADMIN_OR_SUPERVISOR, Role.Quality],
  'GET /api/supervision/active': ADMIN_OR_SUPERVISOR,
  'POST /api/supervision/agents/{agentId}/state': ADMIN_OR_SUPERVISOR,
  'PUT /api/supervision/supervisors/{userId}': [Role.Admin],
  // Agent transfers (issue 7): the agent on the call (their own, checked in call-control) and supervisors;
  // the trail is read by the centre's roles on calls; the allow-list is the admin's to edit.
  'POST /api/calls/{callId}/transfers': [Role.Agent, Role.Supervisor],
  'POST /api/calls/{callId}/service-rating': [Role.Agent, Role.Supervisor],
  'GET /api/calls/{callId}/transfers': [Role.Agent, Role.Supervisor, Role.Admin],
  'POST /api/calls/{callId}/transfers/{transferId}/complete': [Role.Agent, Role.Supervisor],
  'POST /api/calls/{callId}/transfers/{transferId}/conference': [Role.Agent, Role.Supervisor],
  'POST /api/calls/{callId}/transfers/{transferId}/cancel': [Role.Agent, Role.Supervisor],
  'GET /api/transfer-destinations': [Role.Agent, Role.Supervisor, Role.Admin],
  'POST /api/transfer-destinations': [Role.Admin],
  'PUT /api/transfer-destinations/{id}': [Role.Admin],
  'GET /api/work-orders/{orderId}/transfers': [Role.Agent, Role.Supervisor, Role.Admin],
};

const PARAM_VALUES: Record<string, () => string> = {
  id: () => randomUUID(),
  callId: () => randomUUID(),
  date: () => '2026-10-01',
  year: () => '2027',
  any: () => 'some/page',
  // Issue 5 (IVR, lines, ACD): names and codes that exist nowhere, so allowed calls end in 400/404.
  name: () => 'no-such-flow',
  version: () => '99',
  number: () => '19999',
  list: () => 'vip',
  agentId: () => 'no-such-agent',
  skill: () => 'no-such-skill',
  seatId: () => 'no-such-seat',
  userId: () => randomUUID(),
  transferId: () => randomUUID(),
  orderId: () => randomUUID(),
};

type Outcome = 'allowed' | '401' | '403';

function expectedOutcome(access: Access | undefined, roles: readonly Role[] | null): Outcome {
  // A route without an entry is reported by the first test; here it must be refused to everyone.
  if (access === undefined) return roles === null ? '401' : '403';
  if (access === 'public') return 'allowed';
  if (roles === null) return '401';
  if (access === 'authenticated') return 'allowed';
  return roles.some((role) => access.includes(role)) ? 'allowed' : '403';
}

/** Health answers 503 when a dependency is down (here Asterisk, on purpose): that is its report, not an error. */
function outcomeOf(route: string, status: number): Outcome | `5xx (${number})` {
  if (status === 503 && route === 'GET /api/health') return 'allowed';
  if (status >= 500) return `5xx (${status})`;
  if (status === 401) return '401';
  if (status === 403) return '403';
  return 'allowed';
}

/** "GET /api/work-orders/{id}" → the path to request, with each {param} (or Express :param / {*param}) filled in. */
function concretePath(path: string): string {
  return path.replace(/\{\*?(\w+)\}|:(\w+)/g, (_, brace: string | undefined, colon: string | undefined) => (PARAM_VALUES[brace ?? colon!] ?? (() => 'x'))());
}

describe('role × endpoint permission matrix (in-process api)', () => {
  let api: SecurityApiServer;
  const tokens = new Map<string, string>();
  let routes: string[];

  beforeAll(async () => {
    api = await startSecurityApi('permission-matrix');
    for (const login of DEMO_LOGINS) {
      const response = await loginAs(api.url, login.username, DEMO_PASSWORD);
      expect(response.status).toBe(200);
      tokens.set(login.username, JSON.parse(response.body).accessToken);
    }
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  it('has an entry for every route of the OpenAPI document and of the router, and none for routes that do not exist', async () => {
    const document = JSON.parse((await rawRequest(api.url, { method: 'GET', path: '/api/docs-json' })).body) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    // Express writes /:id, OpenAPI /{id}; {*any} (Express 5 wildcards) stays as it is.
    const mounted = routerRoutes(api.app).map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    routes = [...new Set([...documented, ...mounted])].sort();
    const unlisted = routes.filter((route) => !(route in ACCESS));
    expect(unlisted).toEqual([]);
    expect(Object.keys(ACCESS).filter((route) => !routes.includes(route))).toEqual([]);
    expect(documented.length).toBeGreaterThanOrEqual(40);
  });

  it('answers every route for every role as the matrix says (10 identities)', async () => {
    expect(routes).toBeDefined();
    const identities: { name: string; roles: readonly Role[] | null; token?: string }[] = [
      { name: 'anonymous', roles: null },
      ...DEMO_LOGINS.map((login) => ({ name: login.username, roles: [login.role], token: tokens.get(login.username) })),
    ];
    const mismatches: string[] = [];
    let requests = 0;
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      const access = ACCESS[route];
      for (const identity of identities) {
        const withBody = method === 'POST' || method === 'PUT';
        const response = await rawRequest(api.url, {
          method,
          path: concretePath(path),
          headers: {
            ...(identity.token ? { authorization: `Bearer ${identity.token}` } : {}),
            ...(withBody ? { 'content-type': 'application/json' } : {}),
          },
          body: withBody ? '{}' : undefined,
          headersOnly: true,
        });
        requests += 1;
        const expected = expectedOutcome(access, identity.roles);
        const actual = outcomeOf(route, response.status);
        if (actual !== expected) mismatches.push(`${route} as ${identity.name}: expected ${expected}, got ${response.status}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(requests).toBe(routes.length * identities.length);
  }, 60_000); // ~100 routes x 10 identities: about 6 s on the shared 2-core machine

  it('refuses forged, expired-looking and malformed tokens on a protected route with 401', async () => {
    const agent = tokens.get('agent')!;
    const [header, payload] = agent.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: randomUUID(), username: 'admin', iss: 'hotline12345' })).toString('base64url');
    for (const authorization of [
      `Bearer ${header}.${forgedPayload}.${agent.split('.')[2]}`,
      `Bearer ${header}.${payload}.`,
      // alg "none": must never be accepted.
      `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`,
      'Bearer ',
      `Basic ${Buffer.from('admin:demo-12345').toString('base64')}`,
      `bearer ${agent} extra`,
    ]) {
      const response = await rawRequest(api.url, { method: 'GET', path: '/api/users', headers: { authorization } });
      expect({ authorization, status: response.status }).toEqual({ authorization, status: 401 });
    }
  });
});
