import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { Actor, Role } from '@hotline/org';
import { openApi, ZodPipe } from '../work-orders/zod-request';
import { CallTransferCommandsService } from './call-transfer-commands.service';
import { TransferDestinationRepository } from './transfer-destination.repository';
import { callIdSchema, StartTransferBody, startTransferSchema, transferIdSchema } from './transfer.schemas';

/** An agent's transfer of a call in progress (warm or blind), and its trail. */
@ApiTags('transfers')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('calls/:callId/transfers')
export class CallTransfersController {
  constructor(private readonly commands: CallTransferCommandsService, private readonly trail: TransferDestinationRepository) {}

  @Post()
  @HttpCode(200)
  @Roles(Role.Agent, Role.Supervisor)
  @ApiOperation({ summary: 'Transfer a connected call to an allow-list entry (id or number): warm (consult first) or blind' })
  @ApiParam({ name: 'callId', format: 'uuid' })
  @ApiBody({ schema: openApi(startTransferSchema) })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED (not 3-15 digits) or TRANSFER_DESTINATION_NOT_ALLOWED' })
  @ApiResponse({ status: 403, description: 'TRANSFER_NOT_YOUR_CALL' })
  @ApiResponse({ status: 409, description: 'TRANSFER_CALL_NOT_CONNECTED, TRANSFER_IN_PROGRESS' })
  start(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @Body(new ZodPipe(startTransferSchema)) body: StartTransferBody, @CurrentActor() actor: Actor) {
    return this.commands.start(actor, callId, body);
  }

  @Get()
  @Roles(Role.Agent, Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'The transfers of a call: destination, times, outcome' })
  list(@Param('callId', new ZodPipe(callIdSchema)) callId: string) {
    return this.trail.transfersOfCall(callId);
  }

  @Post(':transferId/complete')
  @HttpCode(200)
  @Roles(Role.Agent, Role.Supervisor)
  @ApiOperation({ summary: 'Citizen and destination talk; the agent leaves (wrap-up)' })
  complete(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @Param('transferId', new ZodPipe(transferIdSchema)) transferId: string, @CurrentActor() actor: Actor) {
    return this.commands.act(actor, 'complete', callId, transferId);
  }

  @Post(':transferId/conference')
  @HttpCode(200)
  @Roles(Role.Agent, Role.Supervisor)
  @ApiOperation({ summary: 'The citizen joins the consult: three-way' })
  conference(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @Param('transferId', new ZodPipe(transferIdSchema)) transferId: string, @CurrentActor() actor: Actor) {
    return this.commands.act(actor, 'conference', callId, transferId);
  }

  @Post(':transferId/cancel')
  @HttpCode(200)
  @Roles(Role.Agent, Role.Supervisor)
  @ApiOperation({ summary: 'Hang up the destination; the citizen is back with the agent' })
  cancel(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @Param('transferId', new ZodPipe(transferIdSchema)) transferId: string, @CurrentActor() actor: Actor) {
    return this.commands.act(actor, 'cancel', callId, transferId);
  }
}
