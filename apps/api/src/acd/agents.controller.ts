import { Body, Controller, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AcdAdminRepository } from '@hotline/acd';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { Actor, Role } from '@hotline/org';
import { AcdCommandsService } from './acd-commands.service';
import { openApi, ZodPipe } from '../work-orders/zod-request';
import { agentBodySchema, agentIdSchema, loginBodySchema, stateBodySchema } from './acd.schemas';

/**
 * Agents: configuration (skills with levels, the login they belong to) and live state. State changes are
 * commands to call-control (Redis), which owns the ACD; an agent may change only their own state, a
 * supervisor anyone's.
 */
@ApiTags('acd')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('acd/agents')
export class AgentsController {
  constructor(private readonly repository: AcdAdminRepository, private readonly commands: AcdCommandsService) {}

  @Get()
  @Roles(Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Agents with their skills and levels' })
  list() {
    return this.repository.agents();
  }

  @Put(':agentId')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Create or change an agent (skills with levels 1-10)' })
  @ApiBody({ schema: openApi(agentBodySchema) })
  async save(@Param('agentId', new ZodPipe(agentIdSchema)) agentId: string, @Body(new ZodPipe(agentBodySchema)) body: z.output<typeof agentBodySchema>) {
    return this.repository.saveAgent(agentId, body);
  }

  @Post(':agentId/login')
  @HttpCode(200)
  @Roles(Role.Agent, Role.Supervisor)
  @ApiOperation({ summary: 'Log the agent in at a seat (starts not ready)' })
  @ApiParam({ name: 'agentId' })
  @ApiBody({ schema: openApi(loginBodySchema) })
  async login(@Param('agentId', new ZodPipe(agentIdSchema)) agentId: string, @Body(new ZodPipe(loginBodySchema)) body: z.output<typeof loginBodySchema>, @CurrentActor() actor: Actor) {
    return this.commands.forAgent(actor, 'agent.login', { agentId, seat: body.seat, requestedBy: actor.username });
  }

  @Post(':agentId/logout')
  @HttpCode(200)
  @Roles(Role.Agent, Role.Supervisor)
  @ApiOperation({ summary: 'Log the agent out (refused while ringing or on a call)' })
  async logout(@Param('agentId', new ZodPipe(agentIdSchema)) agentId: string, @CurrentActor() actor: Actor) {
    return this.commands.forAgent(actor, 'agent.logout', { agentId, requestedBy: actor.username });
  }

  @Put(':agentId/state')
  @Roles(Role.Agent, Role.Supervisor)
  @ApiOperation({ summary: 'Ready, or not ready with a reason (deferred to the end of a call in progress)' })
  @ApiBody({ schema: openApi(stateBodySchema) })
  async state(@Param('agentId', new ZodPipe(agentIdSchema)) agentId: string, @Body(new ZodPipe(stateBodySchema)) body: z.output<typeof stateBodySchema>, @CurrentActor() actor: Actor) {
    return this.commands.forAgent(actor, 'agent.set-state', { agentId, state: body.state, reason: body.reason, requestedBy: actor.username });
  }
}
