import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { Actor, Role } from '@hotline/org';
import { openApi, ZodPipe } from '../work-orders/zod-request';
import { SupervisionCommandsService } from './supervision-commands.service';
import { SupervisionApiErrorCode, SupervisionRequestError } from './supervision.errors';
import { SupervisionRepository } from './supervision.repository';

const callIdSchema = z.string().uuid();
const userIdSchema = z.string().uuid();
const agentIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be an agent code [a-z0-9_-]');
const code = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/);
const agentStateSchema = z.object({ state: z.enum(['ready', 'not_ready', 'logged_out']), reason: z.string().trim().min(1).max(100).optional() }).strict();
const supervisorSchema = z.object({ seat: code.nullable(), skills: z.array(code).max(100) }).strict();

/**
 * Supervisor actions on live calls (issue 7): listen, whisper, barge, take over, stop, 强拆 (release), and
 * forcing an agent's state. The supervisor's seat phone is rung by call-control; every action is audited
 * (supervision_sessions) and published (supervision.changed / supervision.released).
 */
@ApiTags('supervision')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('supervision')
export class SupervisionController {
  constructor(private readonly commands: SupervisionCommandsService, private readonly repository: SupervisionRepository) {}

  @Post('calls/:callId/listen')
  @HttpCode(200)
  @Roles(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Listen to a call from your seat phone (both sides; nothing you say is sent)' })
  @ApiParam({ name: 'callId', format: 'uuid' })
  @ApiResponse({ status: 403, description: 'NOT_IN_SCOPE' })
  @ApiResponse({ status: 404, description: 'CALL_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'CALL_NOT_IN_TALK, NO_SUPERVISOR_SEAT, SUPERVISOR_BUSY, ALREADY_TAKEN_OVER' })
  @ApiResponse({ status: 503, description: 'CALL_RECORD_NOT_WRITTEN: no supervision without its audit row, which waits for the call record (database out); try again shortly' })
  listen(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @CurrentActor() actor: Actor) {
    return this.commands.monitor(actor, callId, 'listen');
  }

  @Post('calls/:callId/whisper')
  @HttpCode(200)
  @Roles(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Coach the agent: you hear both sides, only the agent hears you' })
  @ApiParam({ name: 'callId', format: 'uuid' })
  whisper(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @CurrentActor() actor: Actor) {
    return this.commands.monitor(actor, callId, 'whisper');
  }

  @Post('calls/:callId/barge')
  @HttpCode(200)
  @Roles(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Join the call (three-way)' })
  @ApiParam({ name: 'callId', format: 'uuid' })
  barge(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @CurrentActor() actor: Actor) {
    return this.commands.monitor(actor, callId, 'barge');
  }

  @Post('calls/:callId/take-over')
  @HttpCode(200)
  @Roles(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Take the call over: the agent leaves (to wrap-up), you talk with the citizen' })
  @ApiParam({ name: 'callId', format: 'uuid' })
  takeOver(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @CurrentActor() actor: Actor) {
    return this.commands.monitor(actor, callId, 'take_over');
  }

  @Post('calls/:callId/release')
  @HttpCode(200)
  @Roles(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: '强拆: end the call (citizen and agent are hung up)' })
  @ApiParam({ name: 'callId', format: 'uuid' })
  release(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @CurrentActor() actor: Actor) {
    return this.commands.release(actor, callId);
  }

  @Delete('calls/:callId')
  @HttpCode(200)
  @Roles(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Stop supervising the call (your seat is hung up; after a take-over this ends the call)' })
  @ApiParam({ name: 'callId', format: 'uuid' })
  stop(@Param('callId', new ZodPipe(callIdSchema)) callId: string, @CurrentActor() actor: Actor) {
    return this.commands.stop(actor, callId);
  }

  @Get('calls/:callId')
  @Roles(Role.Supervisor, Role.Admin, Role.Quality)
  @ApiOperation({ summary: 'Audit trail of supervision on a call (who, mode, start, end)' })
  @ApiParam({ name: 'callId', format: 'uuid' })
  ofCall(@Param('callId', new ZodPipe(callIdSchema)) callId: string) {
    return this.repository.ofCall(callId);
  }

  @Get('active')
  @Roles(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Who is monitoring which call right now' })
  active() {
    return this.repository.active();
  }

  @Post('agents/:agentId/state')
  @HttpCode(200)
  @Roles(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: "Force an agent's state (ready, not ready with a reason, logged out)" })
  @ApiBody({ schema: openApi(agentStateSchema) })
  agentState(@Param('agentId', new ZodPipe(agentIdSchema)) agentId: string, @Body(new ZodPipe(agentStateSchema)) body: z.output<typeof agentStateSchema>, @CurrentActor() actor: Actor) {
    return this.commands.agentState(actor, agentId, body.state, body.reason);
  }

  @Put('supervisors/:userId')
  @Roles(Role.Admin)
  @ApiOperation({ summary: "Set a supervisor's seat phone and the queues (skills) they supervise" })
  @ApiBody({ schema: openApi(supervisorSchema) })
  async saveSupervisor(@Param('userId', new ZodPipe(userIdSchema)) userId: string, @Body(new ZodPipe(supervisorSchema)) body: z.output<typeof supervisorSchema>) {
    if (!(await this.repository.userExists(userId))) throw new SupervisionRequestError(SupervisionApiErrorCode.UserNotFound, `No user ${userId}`, { userId });
    if (!(await this.repository.saveSupervisor(userId, body.seat, body.skills))) {
      throw new SupervisionRequestError(SupervisionApiErrorCode.UnknownSkillOrSeat, 'Unknown seat or skill', { seat: body.seat, skills: body.skills });
    }
    return this.repository.supervisor(userId);
  }
}
