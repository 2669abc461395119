import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { HealthAlarmDto, HealthComponentDto, HealthComponentsDto, HealthDto } from '@hotline/contracts';

export class HealthComponentResponse implements HealthComponentDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: 'up' | 'down';

  @ApiPropertyOptional({ example: 'connect ECONNREFUSED 127.0.0.1:8088', description: 'Why the component is down' })
  message?: string;

  @ApiPropertyOptional({ example: 4, description: 'How long the check took, in ms' })
  latencyMs?: number;

  @ApiPropertyOptional({ example: '22.10.1', description: "Asterisk's version (ari) or the AMI protocol version (ami)" })
  version?: string;
}

export class HealthComponentsResponse implements HealthComponentsDto {
  @ApiPropertyOptional({ type: HealthComponentResponse, description: 'Postgres, the record' })
  postgres?: HealthComponentResponse;

  @ApiPropertyOptional({ type: HealthComponentResponse, description: 'Redis, live state and events' })
  redis?: HealthComponentResponse;

  @ApiPropertyOptional({ type: HealthComponentResponse, description: 'Asterisk REST Interface (GET /ari/asterisk/info)' })
  ari?: HealthComponentResponse;

  @ApiPropertyOptional({ type: HealthComponentResponse, description: 'Asterisk Manager Interface (login and logoff)' })
  ami?: HealthComponentResponse;
}

export class HealthAlarmResponse implements HealthAlarmDto {
  @ApiProperty({ enum: ['asterisk_restart'] })
  alarm!: 'asterisk_restart';

  @ApiProperty({ enum: ['critical', 'warning'] })
  severity!: 'critical' | 'warning';

  @ApiProperty({ example: 'Asterisk restarted (run of 2026-12-01 08:00:00 replaced by 2026-12-01 09:12:03); 4 call(s) lost' })
  message!: string;

  @ApiProperty({ format: 'date-time' })
  raisedAt!: string;

  @ApiProperty({ example: 4, description: 'Calls that were up when it happened (ended with cause asterisk_restart)' })
  lostCalls!: number;
}

export class HealthResponse implements HealthDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], description: '`ok` (HTTP 200) only when every component is up' })
  status!: 'ok' | 'error' | 'shutting_down';

  @ApiPropertyOptional({ type: HealthComponentsResponse, description: 'The components that are up' })
  info?: HealthComponentsResponse;

  @ApiPropertyOptional({ type: HealthComponentsResponse, description: 'The components that are down' })
  error?: HealthComponentsResponse;

  @ApiProperty({ type: HealthComponentsResponse, description: 'Every component' })
  details!: HealthComponentsResponse;

  @ApiPropertyOptional({ type: [HealthAlarmResponse], description: 'Supervisors and admins: alarms of the last 24 h (they do not change status)' })
  alarms?: HealthAlarmResponse[];
}
