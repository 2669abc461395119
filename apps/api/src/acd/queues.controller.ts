import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AcdAdminRepository } from '@hotline/acd';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { Actor, Role } from '@hotline/org';
import { AcdCommandsService } from './acd-commands.service';
import { CallControlReloader } from '../ivr/live-reload';
import { openApi, ZodPipe } from '../work-orders/zod-request';
import { callbackBodySchema, dayQuerySchema, queueBodySchema, seatBodySchema, skillSchema } from './acd.schemas';
import { QueueSettingsService } from './queue-settings.service';

/** Queues (one per skill), their live and daily figures, the abandoned-call list, callbacks and seats. */
@ApiTags('acd')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Roles(Role.Supervisor, Role.Admin)
@Controller('acd')
export class QueuesController {
  constructor(
    private readonly repository: AcdAdminRepository,
    private readonly commands: AcdCommandsService,
    private readonly reloader: CallControlReloader,
    private readonly queueSettings: QueueSettingsService,
  ) {}

  @Get('queues')
  // Agents read the settings too: the desk counts their wrap-up down from the queue's wrap-up length.
  @Roles(Role.Supervisor, Role.Admin, Role.Agent)
  @ApiOperation({ summary: 'Queue settings per skill (ring timeout, wrap-up, announcements, max wait, overflow, callback offer, SL threshold)' })
  queues() {
    return this.repository.queues();
  }

  @Put('queues/:skill')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Create or change a skill and its queue settings; call-control re-reads them at once' })
  @ApiBody({ schema: openApi(queueBodySchema) })
  async saveQueue(@Param('skill', new ZodPipe(skillSchema)) skill: string, @Body(new ZodPipe(queueBodySchema)) body: z.output<typeof queueBodySchema>, @CurrentActor() actor: Actor) {
    const queue = await this.queueSettings.save(skill, body);
    return { ...queue, liveReload: await this.reloader.reload('queues', actor.username) };
  }

  @Get('queues/:skill/stats')
  @ApiOperation({ summary: 'Live (waiting, staffed, ready, rolling handle time) and today: service level, answer and abandonment rates' })
  stats(@Param('skill', new ZodPipe(skillSchema)) skill: string, @CurrentActor() actor: Actor) {
    return this.commands.forSkill('queue.stats', { skill, requestedBy: actor.username });
  }

  @Get('abandoned')
  @ApiOperation({ summary: 'Abandoned calls of a day (China time) and their automatic callbacks' })
  abandoned(@Query(new ZodPipe(dayQuerySchema)) query: z.output<typeof dayQuerySchema>) {
    const day = query.day ?? new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const start = new Date(`${day}T00:00:00+08:00`);
    return this.repository.abandoned(start, new Date(start.getTime() + 24 * 3_600_000));
  }

  @Post('callbacks')
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue a callback to a citizen on a skill (an agent places it when free)' })
  @ApiBody({ schema: openApi(callbackBodySchema) })
  callback(@Body(new ZodPipe(callbackBodySchema)) body: z.output<typeof callbackBodySchema>, @CurrentActor() actor: Actor) {
    return this.commands.forSkill('callback.request', { ...body, requestedBy: actor.username });
  }

  @Get('seats')
  @ApiOperation({ summary: 'Agent seats (PJSIP endpoints provisioned from here)' })
  seats() {
    return this.repository.seats();
  }

  @Put('seats/:seatId')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Create or change a seat; PJSIP is regenerated and reloaded at once' })
  @ApiBody({ schema: openApi(seatBodySchema) })
  async saveSeat(@Param('seatId', new ZodPipe(skillSchema)) seatId: string, @Body(new ZodPipe(seatBodySchema)) body: z.output<typeof seatBodySchema>, @CurrentActor() actor: Actor) {
    const seat = await this.repository.saveSeat(seatId, body);
    return { ...seat, liveReload: await this.reloader.reload('seats', actor.username) };
  }
}
