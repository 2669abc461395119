import type { SystemAlarmView } from '@hotline/realtime';

/** The body of GET /api/health, in @nestjs/terminus's shape, with the components this product checks. */
export type HealthComponentName = 'postgres' | 'redis' | 'ari' | 'ami';

export const HEALTH_COMPONENTS: readonly HealthComponentName[] = ['postgres', 'redis', 'ari', 'ami'];

export interface HealthComponentDto {
  status: 'up' | 'down';
  /** Why a component is down. */
  message?: string;
  /** How long the check took. */
  latencyMs?: number;
  /** Asterisk's version (ARI) or the AMI protocol version from its banner. */
  version?: string;
}

export type HealthComponentsDto = Partial<Record<HealthComponentName, HealthComponentDto>>;

/** A platform alarm raised recently (an Asterisk restart that lost calls): shown to staff until it ages out. */
export type HealthAlarmDto = SystemAlarmView;

export interface HealthDto {
  /** `ok` with HTTP 200 when every component is up; otherwise HTTP 503. */
  status: 'ok' | 'error' | 'shutting_down';
  info?: HealthComponentsDto;
  error?: HealthComponentsDto;
  details: HealthComponentsDto;
  /** Supervisors and admins only; absent for anyone else. Alarms do not change `status`: the component is back. */
  alarms?: HealthAlarmDto[];
}
