import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { LineAdminService } from '@hotline/ivr';
import { Actor, Role } from '@hotline/org';
import { openApi, ZodPipe } from '../work-orders/zod-request';
import { lineBodySchema, lineNumberSchema } from './ivr.schemas';
import { CallControlReloader } from './live-reload';

/** Lines callers dial (DNIS): 12345 and the integrated hotlines, each to a skill through a flow. */
@ApiTags('ivr')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('lines')
export class LinesController {
  constructor(private readonly lines: LineAdminService, private readonly reloader: CallControlReloader) {}

  @Get()
  @Roles(Role.Admin, Role.Supervisor)
  @ApiOperation({ summary: 'All lines with their skill, flow and mode (整合 / 双轨运行)' })
  list() {
    return this.lines.list();
  }

  @Put(':number')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Add or change a line; Asterisk admits it (or refuses it) at once' })
  @ApiParam({ name: 'number' })
  @ApiBody({ schema: openApi(lineBodySchema) })
  async save(@Param('number', new ZodPipe(lineNumberSchema)) number: string, @Body(new ZodPipe(lineBodySchema)) body: z.output<typeof lineBodySchema>, @CurrentActor() actor: Actor) {
    const line = await this.lines.save(number, body, actor.username);
    return { ...line, liveReload: await this.reloader.reload('lines', actor.username) };
  }
}
