import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import type { HealthDto } from '@hotline/contracts';
import { HealthResponse } from './health.response';
import { HealthStatusService } from './health-status.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly status: HealthStatusService) {}

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Postgres, Redis, ARI and AMI: each up or down, with the reason when down' })
  @ApiOkResponse({ type: HealthResponse, description: 'Every component is up' })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: 'At least one component is down' })
  async check(): Promise<HealthDto> {
    const result = (await this.status.check()) as HealthDto;
    if (result.status !== 'ok') throw new ServiceUnavailableException(result);
    return result;
  }
}
