import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CALL_LIST_DEFAULT_LIMIT, CALL_LIST_MAX_LIMIT, CallListDto, CallSummaryDto } from '@hotline/contracts';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { CallsQueryService } from '@hotline/calls';
import { Actor, CENTRE_ROLES } from '@hotline/org';
import { ApiErrorResponse } from '../http/api-error.response';
import { CallListResponse, CallSummaryResponse } from './call-summary.response';

/** Call records carry callers' numbers and voices: the centre's roles only (units work from orders). */
@ApiTags('calls')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Roles(...CENTRE_ROLES)
@ApiUnauthorizedResponse({ type: ApiErrorResponse, description: 'Not logged in' })
@Controller('calls')
export class CallsController {
  constructor(private readonly calls: CallsQueryService) {}

  @Get()
  @ApiOperation({
    summary: 'Latest calls, newest first, each with its event timeline and linked orders; with agentId, the calls that agent answered',
    description: 'Caller numbers are full for agents, supervisors and quality, masked (138****1234) for the other roles.',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: CALL_LIST_MAX_LIMIT, default: CALL_LIST_DEFAULT_LIMIT },
  })
  @ApiQuery({ name: 'agentId', required: false, description: "An ACD agent's call history (calls they answered). Agents may ask for their own only." })
  @ApiOkResponse({ type: CallListResponse })
  @ApiBadRequestResponse({ type: ApiErrorResponse, description: '`limit` is not a whole number from 1 to 100, or `agentId` is not an agent id' })
  @ApiForbiddenResponse({ type: ApiErrorResponse, description: "A unit role, or an agent asking for another agent's calls" })
  list(@CurrentActor() actor: Actor, @Query('limit') limit?: string | string[], @Query('agentId') agentId?: string | string[]): Promise<CallListDto> {
    // Validation is the read side's rule, not the controller's: the raw values go in as received.
    return this.calls.listLatest(actor, limit, agentId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One call with its event timeline and the work orders it is linked to' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CallSummaryResponse })
  @ApiBadRequestResponse({ type: ApiErrorResponse, description: '`id` is not a UUID' })
  @ApiForbiddenResponse({ type: ApiErrorResponse, description: 'A unit role' })
  @ApiNotFoundResponse({ type: ApiErrorResponse, description: 'No call has this id' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CallSummaryDto> {
    return this.calls.getById(actor, id);
  }
}
