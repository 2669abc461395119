import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { HealthComponentsDto, HealthDto } from '@hotline/contracts';
import { Actor, hasRole, Role } from '@hotline/org';
import { RedisHealthIndicator } from './redis-health.indicator';
import { SystemAlarmReader } from '../alarms/system-alarm.reader';
import { TelephonyHealthIndicator } from './telephony-health.indicator';

/**
 * Every open status page asks every 5 s, and each ask logs in to AMI; a short-lived shared answer keeps
 * Asterisk's manager log and the database quiet however many pages are open.
 */
const REUSE_RESULT_MS = 2_000;
const POSTGRES_TIMEOUT_MS = 1_500;

/** Who may read why a component is down (error text with internal addresses), latencies and versions. */
const DETAIL_ROLES = [Role.Supervisor, Role.Admin] as const;

/** Up or down per component, nothing else: what anyone who can reach the port may know. */
function statusOnly(components: HealthComponentsDto | undefined): HealthComponentsDto | undefined {
  if (!components) return undefined;
  return Object.fromEntries(Object.entries(components).map(([name, detail]) => [name, { status: detail.status }]));
}

@Injectable()
export class HealthStatusService {
  private readonly logger = new Logger(HealthStatusService.name);
  private latest?: { at: number; result: Promise<HealthCheckResult> };
  private readonly lastSeen = new Map<string, string>();

  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly telephony: TelephonyHealthIndicator,
    private readonly alarms: SystemAlarmReader,
  ) {}

  /** The components' state, whether up or down (the caller decides the HTTP status). */
  check(): Promise<HealthCheckResult> {
    const now = Date.now();
    if (!this.latest || now - this.latest.at >= REUSE_RESULT_MS) this.latest = { at: now, result: this.run() };
    return this.latest.result;
  }

  /** The report as the viewer may see it: the details for supervisors and admins, up/down for anyone else. */
  async reportFor(viewer: Actor | null): Promise<HealthDto> {
    const result = (await this.check()) as HealthDto;
    if (viewer && hasRole(viewer, ...DETAIL_ROLES)) {
      const alarms = await this.alarms.recent();
      return alarms.length > 0 ? { ...result, alarms } : result;
    }
    return { status: result.status, info: statusOnly(result.info), error: statusOnly(result.error), details: statusOnly(result.details) ?? {} };
  }

  private async run(): Promise<HealthCheckResult> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check([
        () => this.postgresCheck(),
        () => this.redis.pingCheck('redis'),
        () => this.telephony.ariCheck('ari'),
        () => this.telephony.amiCheck('ami'),
      ]);
    } catch (error) {
      // terminus reports "some component is down" by throwing the full result in a 503.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      result = error.getResponse() as HealthCheckResult;
    }
    this.logChanges(result);
    return result;
  }

  /** terminus's TypeORM ping says up or down; the page also shows how long it took, as for the others. */
  private async postgresCheck(): Promise<HealthIndicatorResult<'postgres'>> {
    const started = performance.now();
    const result = await this.postgres.pingCheck('postgres', { timeout: POSTGRES_TIMEOUT_MS });
    return { postgres: { ...result.postgres, latencyMs: Math.round(performance.now() - started) } };
  }

  /** Logs when a component goes down or comes back, not on every poll (terminus's own logging is off). */
  private logChanges(result: HealthCheckResult): void {
    for (const [name, detail] of Object.entries(result.details)) {
      const status = String(detail.status);
      const previous = this.lastSeen.get(name);
      if (status === previous) continue;
      this.lastSeen.set(name, status);
      if (status === 'up') {
        if (previous !== undefined) this.logger.log(`${name} is up again`);
      } else {
        this.logger.warn(`${name} is ${status}: ${String(detail.message ?? 'no reason given')}`);
      }
    }
  }
}
