import { describeProbeFailure, HealthProbeResult } from './health-probe.result';

export interface AriHealthProbeOptions {
  /** ARI_URL: Asterisk's HTTP server, e.g. http://127.0.0.1:8088 (the `/ari` path is added here). */
  url: string;
  username: string;
  password: string;
  timeoutMs?: number;
}

interface AsteriskInfo {
  system?: { version?: unknown };
}

/**
 * Asks ARI for `GET /ari/asterisk/info`: answers only when Asterisk's HTTP server is up, res_ari is loaded and
 * the credentials are accepted, which is exactly what call-control needs.
 */
export class AriHealthProbe {
  private readonly endpoint: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;

  constructor(options: AriHealthProbeOptions) {
    this.endpoint = `${options.url.replace(/\/+$/, '')}/ari/asterisk/info`;
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? 1_500;
  }

  async check(): Promise<HealthProbeResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await fetch(this.endpoint, {
        headers: { authorization: this.authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) {
        // Drain the body so the connection goes back to the pool.
        await response.arrayBuffer();
        const hint = response.status === 401 ? ' (check ARI_USERNAME / ARI_PASSWORD)' : '';
        return { up: false, latencyMs: elapsed(), reason: `HTTP ${response.status} ${response.statusText}${hint}`.trim() };
      }
      const info = (await response.json()) as AsteriskInfo;
      const version = typeof info.system?.version === 'string' ? info.system.version : undefined;
      return { up: true, latencyMs: elapsed(), ...(version ? { version } : {}) };
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === 'TimeoutError') {
        return { up: false, latencyMs: elapsed(), reason: `no answer within ${this.timeoutMs} ms` };
      }
      return { up: false, latencyMs: elapsed(), reason: describeProbeFailure(error) };
    }
  }
}
