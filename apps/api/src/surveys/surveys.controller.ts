import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@hotline/org';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { FollowUpCauseKind, FollowUpService, SurveyCoverageService } from '@hotline/surveys';
import { z } from 'zod';
import { AuthenticatedErrors, JsonBody } from '../work-orders/api-docs';
import { ZodPipe } from '../work-orders/zod-request';

const followUpListSchema = z.object({ status: z.enum(['open', 'classified']).optional() }).strict();
const classifySchema = z
  .object({
    cause: z.enum([FollowUpCauseKind.Policy, FollowUpCauseKind.Objective, FollowUpCauseKind.Handling]),
    notes: z.string().trim().min(1).max(2000),
  })
  .strict();
const coverageSchema = z.object({ from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict();
const uuid = z.object({ id: z.string().uuid() });

const QUALITY_DESK = [Role.Quality, Role.Supervisor, Role.Reviewer] as const;

/** Thin: parse, call the survey context, present. Rules live in libs/surveys. */
@ApiTags('surveys')
@UseGuards(AuthGuard)
@Controller('surveys')
export class SurveysController {
  constructor(
    private readonly followUps: FollowUpService,
    private readonly coverage: SurveyCoverageService,
  ) {}

  @Get('follow-ups')
  @Roles(...QUALITY_DESK)
  @ApiOperation({ summary: 'Manual follow-ups (人工回访) after dissatisfied ratings, oldest first' })
  @AuthenticatedErrors()
  async list(@Query(new ZodPipe(followUpListSchema)) query: z.output<typeof followUpListSchema>) {
    return { followUps: await this.followUps.list(query.status ?? null) };
  }

  @Post('follow-ups/:id/classify')
  @HttpCode(200)
  @Roles(...QUALITY_DESK)
  @ApiOperation({ summary: 'Classify the cause: policy or objective limits close it, the unit’s handling reopens the order (重办)' })
  @JsonBody(classifySchema)
  @AuthenticatedErrors()
  async classify(
    @CurrentActor() actor: Actor,
    @Param(new ZodPipe(uuid)) params: z.output<typeof uuid>,
    @Body(new ZodPipe(classifySchema)) body: z.output<typeof classifySchema>,
  ) {
    return { followUp: await this.followUps.classify(actor, params.id, body) };
  }

  @Get('coverage')
  @Roles(Role.Quality, Role.Supervisor, Role.Reviewer, Role.Admin)
  @ApiOperation({ summary: 'Coverage (100% 回访): closed vs surveyed vs rated by channel, satisfaction and reopen rates, every order not surveyed with why' })
  @AuthenticatedErrors()
  report(@Query(new ZodPipe(coverageSchema)) query: z.output<typeof coverageSchema>) {
    return this.coverage.report(query.from, query.to);
  }
}
