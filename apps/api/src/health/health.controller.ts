import { Controller, Get, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Actor } from '@hotline/org';
import { HealthCheck } from '@nestjs/terminus';
import type { HealthDto } from '@hotline/contracts';
import { ApiErrorResponse } from '../http/api-error.response';
import { HealthResponse } from './health.response';
import { HealthViewer, HealthViewerGuard } from './health-viewer.guard';
import { HealthStatusService } from './health-status.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly status: HealthStatusService) {}

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @UseGuards(HealthViewerGuard)
  @ApiOperation({
    summary: 'Postgres, Redis, ARI and AMI: each up or down',
    description:
      'Anonymous callers (load balancers) get the overall status and each component up or down. With a Bearer token of a ' +
      'supervisor or admin, also why a component is down, latencies and versions (internal addresses and versions are ' +
      'for staff, not for anyone who can reach the port).',
  })
  @ApiUnauthorizedResponse({ type: ApiErrorResponse, description: 'A Bearer token was sent and is invalid or expired' })
  @ApiOkResponse({ type: HealthResponse, description: 'Every component is up' })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: 'At least one component is down' })
  async check(@HealthViewer() viewer: Actor | null): Promise<HealthDto> {
    const result = await this.status.reportFor(viewer);
    if (result.status !== 'ok') throw new ServiceUnavailableException(result);
    return result;
  }
}
