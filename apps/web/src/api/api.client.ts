import type { ApiErrorDto, HealthDto } from '@hotline/contracts';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: ApiErrorDto,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

async function errorFrom(response: Response): Promise<ApiRequestError> {
  let body: ApiErrorDto | undefined;
  try {
    body = (await response.json()) as ApiErrorDto;
  } catch {
    // A proxy's HTML error page, or no body: the status alone has to do.
  }
  return new ApiRequestError(response.status, body?.message ?? `HTTP ${response.status}`, body);
}

async function getJson<T>(path: string, accept: (status: number) => boolean = (status) => status === 200, token?: string | null): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, { headers });
  if (!accept(response.status)) throw await errorFrom(response);
  return (await response.json()) as T;
}

/** Same-origin calls: in production the api serves this app, in development Vite proxies /api. */
export const apiClient = {
  /**
   * 503 still carries the report (which component is down), so it is an answer, not an error. Anonymous
   * callers get up/down only; with a supervisor's or admin's token the reasons, latencies and versions too.
   */
  health: (token?: string | null) => getJson<HealthDto>('/api/health', (status) => status === 200 || status === 503, token),
};
