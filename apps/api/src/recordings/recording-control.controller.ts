import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { Actor, Role } from '@hotline/org';
import { RecordingCommandsService } from './recording-commands.service';
import { openApi, ZodPipe } from '../work-orders/zod-request';

const reasonSchema = z.object({ reason: z.string().trim().min(1).max(200) }).strict();
const callIdSchema = z.string().uuid();

/** Pause/resume of a live call's recording: sent to call-control as a command (it does the AMI part). */
@ApiTags('recordings')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('calls/:callId/recording')
export class RecordingControlController {
  constructor(private readonly commands: RecordingCommandsService) {}

  @Post('pause')
  @HttpCode(200)
  @Roles(Role.Agent, Role.Supervisor)
  @ApiOperation({ summary: 'Pause the recording of a call in progress (reason required; recorded in the call timeline)' })
  @ApiParam({ name: 'callId', format: 'uuid' })
  @ApiBody({ schema: openApi(reasonSchema) })
  @ApiOkResponse({ schema: { type: 'object', properties: { paused: { type: 'boolean' } } } })
  @ApiResponse({ status: 404, description: 'CALL_NOT_ACTIVE' })
  @ApiResponse({ status: 503, description: 'call-control not reachable' })
  pause(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @Body(new ZodPipe(reasonSchema)) body: z.output<typeof reasonSchema>, @CurrentActor() actor: Actor) {
    return this.commands.setPaused(callId, true, body.reason, actor.username);
  }

  @Post('resume')
  @HttpCode(200)
  @Roles(Role.Agent, Role.Supervisor)
  @ApiOperation({ summary: 'Resume the recording of a call in progress' })
  @ApiParam({ name: 'callId', format: 'uuid' })
  @ApiBody({ schema: openApi(reasonSchema) })
  @ApiOkResponse({ schema: { type: 'object', properties: { paused: { type: 'boolean' } } } })
  resume(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @Body(new ZodPipe(reasonSchema)) body: z.output<typeof reasonSchema>, @CurrentActor() actor: Actor) {
    return this.commands.setPaused(callId, false, body.reason, actor.username);
  }
}
