import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CALL_LIST_DEFAULT_LIMIT, CALL_LIST_MAX_LIMIT, CallListDto, CallSummaryDto } from '@hotline/contracts';
import { CallsQueryService } from '@hotline/calls';
import { ApiErrorResponse } from '../http/api-error.response';
import { CallListResponse, CallSummaryResponse } from './call-summary.response';

@ApiTags('calls')
@Controller('calls')
export class CallsController {
  constructor(private readonly calls: CallsQueryService) {}

  @Get()
  @ApiOperation({ summary: 'Latest calls, newest first, each with its event timeline' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: CALL_LIST_MAX_LIMIT, default: CALL_LIST_DEFAULT_LIMIT },
  })
  @ApiOkResponse({ type: CallListResponse })
  @ApiBadRequestResponse({ type: ApiErrorResponse, description: '`limit` is not a whole number from 1 to 100' })
  list(@Query('limit') limit?: string | string[]): Promise<CallListDto> {
    // Validation is the read side's rule, not the controller's: the raw value goes in as received.
    return this.calls.listLatest(limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One call with its event timeline' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CallSummaryResponse })
  @ApiBadRequestResponse({ type: ApiErrorResponse, description: '`id` is not a UUID' })
  @ApiNotFoundResponse({ type: ApiErrorResponse, description: 'No call has this id' })
  get(@Param('id') id: string): Promise<CallSummaryDto> {
    return this.calls.getById(id);
  }
}
