import { Body, Controller, Delete, Get, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { CallerListName, CallerListRepository } from '@hotline/ivr';
import { Actor, Role } from '@hotline/org';
import { ZodPipe } from '../work-orders/zod-request';
import { callerListEntryBodySchema, callerListSchema, callerNumberSchema } from './ivr.schemas';

/** The centre's caller lists (适老化 elderly, VIP, blocked): read by the IVR's conditions on every call. */
@ApiTags('ivr')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Roles(Role.Admin, Role.Supervisor)
@Controller('caller-lists/:list')
export class CallerListsController {
  constructor(private readonly lists: CallerListRepository) {}

  @Get()
  @ApiOperation({ summary: 'Numbers on a list' })
  @ApiParam({ name: 'list', enum: ['elderly', 'vip', 'blocked'] })
  entries(@Param('list', new ZodPipe(callerListSchema)) list: CallerListName) {
    return this.lists.entries(list);
  }

  @Put(':number')
  @HttpCode(204)
  @ApiOperation({ summary: 'Put a number on the list' })
  async add(@Param('list', new ZodPipe(callerListSchema)) list: CallerListName, @Param('number', new ZodPipe(callerNumberSchema)) number: string, @Body(new ZodPipe(callerListEntryBodySchema)) body: z.output<typeof callerListEntryBodySchema>, @CurrentActor() actor: Actor) {
    await this.lists.add(list, number, body.note ?? null, actor.username);
  }

  @Delete(':number')
  @HttpCode(204)
  @ApiOperation({ summary: 'Take a number off the list' })
  async remove(@Param('list', new ZodPipe(callerListSchema)) list: CallerListName, @Param('number', new ZodPipe(callerNumberSchema)) number: string) {
    await this.lists.remove(list, number);
  }
}
