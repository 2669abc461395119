import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ProgressLookupService } from '@hotline/work-orders';
import { z } from 'zod';
import { JsonOk } from './api-docs';
import { errorSchema, progressQuerySchema } from './work-order.schemas';
import { openApi, ZodPipe } from './zod-request';

const progressSchema = z.object({
  number: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  type: z.string(),
  receivedAt: z.string(),
  dispatched: z.boolean(),
  handleDueAt: z.string().nullable(),
  deadlineState: z.string(),
  repliedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});

/** Public: citizens (and later the IVR) check progress with the order number and the phone's last 4 digits. */
@ApiTags('progress')
@Controller('progress')
export class ProgressController {
  constructor(private readonly progress: ProgressLookupService) {}

  @Get()
  @ApiOperation({ summary: 'Citizen progress lookup (rate-limited per client and per order number)' })
  @JsonOk(progressSchema)
  @ApiNotFoundResponse({ schema: openApi(errorSchema), description: 'Unknown number or wrong digits (deliberately indistinguishable)' })
  @ApiTooManyRequestsResponse({ schema: openApi(errorSchema), description: 'TOO_MANY_LOOKUPS, with Retry-After' })
  lookup(@Query(new ZodPipe(progressQuerySchema)) query: z.output<typeof progressQuerySchema>, @Req() request: { ip?: string }) {
    return this.progress.lookup(query.number, query.phoneLast4, request.ip ?? 'unknown');
  }
}
