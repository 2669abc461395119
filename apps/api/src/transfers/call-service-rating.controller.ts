import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { Actor, Role } from '@hotline/org';
import { ZodPipe } from '../work-orders/zod-request';
import { CallTransferCommandsService } from './call-transfer-commands.service';
import { callIdSchema } from './transfer.schemas';

/** 转满意度评价: the agent ends their part of the call by handing the caller to the satisfaction prompt. */
@ApiTags('transfers')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('calls/:callId/service-rating')
export class CallServiceRatingController {
  constructor(private readonly commands: CallTransferCommandsService) {}

  @Post()
  @HttpCode(200)
  @Roles(Role.Agent, Role.Supervisor)
  @ApiOperation({ summary: 'Hand the caller to the satisfaction prompt (1 satisfied, 2 basically, 3 dissatisfied); the agent goes to wrap-up' })
  @ApiParam({ name: 'callId', format: 'uuid' })
  @ApiResponse({ status: 403, description: 'SERVICE_RATING_NOT_YOUR_CALL, TRANSFER_NOT_YOUR_CALL (login without an agent)' })
  @ApiResponse({ status: 404, description: 'CALL_NOT_ACTIVE' })
  @ApiResponse({ status: 409, description: 'SERVICE_RATING_CALL_NOT_CONNECTED' })
  start(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @CurrentActor() actor: Actor) {
    return this.commands.rateService(actor, callId);
  }
}
