import type {
  ApiErrorDto,
  CalendarOverridesDto,
  CategoryDto,
  DuplicateCheckDto,
  FollowUpCause,
  FollowUpDto,
  LoginResultDto,
  OrderRatingDto,
  SlaPresetListDto,
  UnitDto,
  UserDto,
  WorkOrderCommandResultDto,
  WorkOrderPageDto,
  WorkOrderViewDto,
} from '@hotline/contracts';
import { ApiRequestError } from './api.client';

/** Where the session's token comes from; set by the session store, so this module has no Pinia dependency. */
let tokenSource: () => string | null = () => null;
let onUnauthenticated: () => void = () => undefined;

export function configureAuthedClient(options: { token: () => string | null; unauthenticated: () => void }): void {
  tokenSource = options.token;
  onUnauthenticated = options.unauthenticated;
}

async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const token = tokenSource();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.ok) return (await response.json()) as T;
  let error: ApiErrorDto | undefined;
  try {
    error = (await response.json()) as ApiErrorDto;
  } catch {
    // A proxy's HTML error page: the status alone has to do.
  }
  // An expired or revoked token: back to the login page rather than a page of errors.
  if (response.status === 401 && path !== '/auth/login') onUnauthenticated();
  throw new ApiRequestError(response.status, error?.message ?? `HTTP ${response.status}`, error);
}

export interface ListQuery {
  status?: string[];
  deadlineState?: string;
  limit?: number;
}

function listPath(query: ListQuery): string {
  const params = new URLSearchParams();
  if (query.status?.length) params.set('status', query.status.join(','));
  if (query.deadlineState) params.set('deadlineState', query.deadlineState);
  params.set('limit', String(query.limit ?? 100));
  return `/work-orders?${params.toString()}`;
}

const command = (id: string, name: string, body: Record<string, unknown>) =>
  request<WorkOrderCommandResultDto>('POST', `/work-orders/${encodeURIComponent(id)}/${name}`, body);

export const authedClient = {
  login: (username: string, password: string) => request<LoginResultDto>('POST', '/auth/login', { username, password }),
  workOrders: (query: ListQuery) => request<WorkOrderPageDto>('GET', listPath(query)),
  workOrder: (id: string) => request<WorkOrderViewDto>('GET', `/work-orders/${encodeURIComponent(id)}`),
  intake: (body: Record<string, unknown>) => request<WorkOrderCommandResultDto>('POST', '/work-orders', body),
  duplicateCheck: (body: { callerPhone: string; subject: string; content: string }) =>
    request<DuplicateCheckDto>('POST', '/work-orders/duplicate-check', body),
  command,
  categories: () => request<CategoryDto[]>('GET', '/categories'),
  units: () => request<UnitDto[]>('GET', '/units'),
  users: () => request<UserDto[]>('GET', '/users'),
  createUser: (body: Record<string, unknown>) => request<UserDto>('POST', '/users', body),
  createUnit: (body: Record<string, unknown>) => request<UnitDto>('POST', '/units', body),
  slaPresets: () => request<SlaPresetListDto>('GET', '/sla/presets'),
  /** Working-day overrides: deadlines count these days as the admin says, over the official calendar. */
  calendar: () => request<CalendarOverridesDto>('GET', '/sla/calendar'),
  setCalendarDay: (date: string, body: { workday: boolean; note: string }) => request<unknown>('PUT', `/sla/calendar/${encodeURIComponent(date)}`, body),
  removeCalendarDay: (date: string) => request<{ removed: boolean }>('DELETE', `/sla/calendar/${encodeURIComponent(date)}`),
  /** Sent on to call-control; the change shows as a recording.paused / resumed event. */
  recording: (callId: string, action: 'pause' | 'resume', reason: string) =>
    request<Record<string, unknown>>('POST', `/calls/${encodeURIComponent(callId)}/recording/${action}`, { reason }),
  /** 转满意度评价: call-control plays the rating prompt to the caller; the agent goes to wrap-up. */
  rateService: (callId: string) => request<Record<string, unknown>>('POST', `/calls/${encodeURIComponent(callId)}/service-rating`),
  /** Signs the agent in at a seat (call-control answers with agent.state-changed → not_ready). */
  agentLogin: (agentId: string, seat: string) => request<Record<string, unknown>>('POST', `/acd/agents/${encodeURIComponent(agentId)}/login`, { seat }),
  agentLogout: (agentId: string) => request<Record<string, unknown>>('POST', `/acd/agents/${encodeURIComponent(agentId)}/logout`),
  /** Queue settings per skill: the desk reads each queue's wrap-up length from here. */
  acdQueues: () => request<AcdQueueSettingsDto[]>('GET', '/acd/queues'),
  callRecordings: (callId: string) => request<CallRecordingDto[]>('GET', `/calls/${encodeURIComponent(callId)}/recordings`),
  /** Manual follow-ups (人工回访) after dissatisfied ratings, oldest first. */
  followUps: (status: 'open' | 'classified') => request<{ followUps: FollowUpDto[] }>('GET', `/surveys/follow-ups?status=${status}`),
  classifyFollowUp: (id: string, body: { cause: FollowUpCause; notes: string }) =>
    request<{ followUp: FollowUpDto }>('POST', `/surveys/follow-ups/${encodeURIComponent(id)}/classify`, body),
  /** Every rating of the order, oldest first: the survey history a follow-up is about. */
  orderRatings: (orderId: string) => request<OrderRatingDto[]>('GET', `/work-orders/${encodeURIComponent(orderId)}/ratings`),
  createCategory: (body: { code: string; name: string; parentId: string | null }) => request<CategoryDto>('POST', '/categories', body),
  get: <T>(path: string) => request<T>('GET', path),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  post: <T>(path: string, body: unknown) => request<T>('POST', path, body),
};

export interface AcdQueueSettingsDto {
  skill: string;
  name: string;
  wrapUpSeconds: number;
  [setting: string]: unknown;
}

export interface CallRecordingDto {
  id: string;
  callId: string;
  kind: string;
  status: string;
  durationMs: number | null;
}

export type { FollowUpCause, FollowUpDto, OrderRatingDto } from '@hotline/contracts';
