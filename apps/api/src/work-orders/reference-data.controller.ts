import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@hotline/org';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { isCivilDate, SlaPresetCatalog, WorkingDayCalendarService } from '@hotline/sla';
import { WorkOrderQueryService } from '@hotline/work-orders';
import { z } from 'zod';
import { AuthenticatedErrors, JsonBody } from './api-docs';
import { duplicateCheckSchema } from './work-order.schemas';
import { ZodPipe } from './zod-request';

const civilDate = z.string().refine(isCivilDate, 'must be a date YYYY-MM-DD');
const overrideSchema = z.strictObject({ workday: z.boolean(), note: z.string().trim().min(1, 'must not be empty').max(200) });
const yearSchema = z.coerce.number().int('must be an integer').min(2000, 'must be at least 2000').max(2200, 'must be at most 2200');

/** Categories, SLA presets, the working-day calendar's admin overrides, and the agent's duplicate check. */
@ApiTags('reference')
@UseGuards(AuthGuard)
@Controller()
export class ReferenceDataController {
  constructor(
    private readonly queries: WorkOrderQueryService,
    private readonly presets: SlaPresetCatalog,
    private readonly calendar: WorkingDayCalendarService,
  ) {}

  @Get('categories')
  @ApiOperation({ summary: 'The subject category tree (flat, with parentId)' })
  @AuthenticatedErrors()
  categories() {
    return this.queries.categories();
  }

  @Post('work-orders/duplicate-check')
  @HttpCode(200)
  @Roles(Role.Agent, Role.Supervisor)
  @ApiOperation({ summary: 'Before intake: the caller’s open or answered orders on a similar matter' })
  @JsonBody(duplicateCheckSchema)
  @AuthenticatedErrors()
  duplicateCheck(@Body(new ZodPipe(duplicateCheckSchema)) body: z.output<typeof duplicateCheckSchema>) {
    return this.queries.duplicateCheck(body);
  }

  @Get('sla/presets')
  @ApiOperation({ summary: 'Every SLA preset (latest version of each) and which one this deployment follows' })
  @AuthenticatedErrors()
  async presetList() {
    return { active: { code: this.presets.active().code, version: this.presets.active().version }, presets: await this.presets.list() };
  }

  @Get('sla/calendar')
  @ApiOperation({ summary: 'Admin calendar overrides and the years declared complete' })
  @AuthenticatedErrors()
  async calendarOverrides() {
    return { overrides: await this.calendar.overrides(), officialYears: await this.calendar.officialYears() };
  }

  @Put('sla/calendar/:date')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Mark a day as workday or day off (e.g. next year’s 调休 before the package knows it)' })
  @JsonBody(overrideSchema)
  @AuthenticatedErrors()
  async setOverride(@CurrentActor() actor: Actor, @Param('date', new ZodPipe(civilDate)) date: string, @Body(new ZodPipe(overrideSchema)) body: z.output<typeof overrideSchema>) {
    await this.calendar.setOverride({ date, workday: body.workday, note: body.note }, actor.userId);
    return { date, ...body };
  }

  @Delete('sla/calendar/:date')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Remove an override' })
  @AuthenticatedErrors()
  async removeOverride(@CurrentActor() actor: Actor, @Param('date', new ZodPipe(civilDate)) date: string) {
    return { removed: await this.calendar.removeOverride(date, actor.userId) };
  }

  @Post('sla/calendar/years/:year')
  @HttpCode(200)
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Declare a year’s official schedule fully entered: its deadlines stop carrying a warning' })
  @AuthenticatedErrors()
  async declareYear(@CurrentActor() actor: Actor, @Param('year', new ZodPipe(yearSchema)) year: number) {
    await this.calendar.declareOfficialYear(year, actor.userId);
    return { year };
  }
}
