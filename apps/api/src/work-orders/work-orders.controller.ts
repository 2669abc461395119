import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '@hotline/org';
import { AuthGuard, CurrentActor } from '@hotline/auth';
import { callerVisibility, CommandResult, toWorkOrderView, WorkOrderLifecycleService, WorkOrderQueryService, WorkOrderView } from '@hotline/work-orders';
import { CLOCK, Clock } from '@hotline/common';
import { Inject } from '@nestjs/common';
import { z } from 'zod';
import { AuthenticatedErrors, CommandErrors, JsonBody, JsonOk } from './api-docs';
import {
  arbitrateSchema,
  concludeFollowUpSchema,
  contributeSchema,
  declineSchema,
  decideReturnSchema,
  dispatchSchema,
  exportQuerySchema,
  extensionDecisionSchema,
  extensionRequestSchema,
  intakeSchema,
  linkCallSchema,
  listQuerySchema,
  noteSchema,
  rateSchema,
  reasonSchema,
  referenceParamSchema,
  replySchema,
  reviewSchema,
  versionOnlySchema,
  workOrderPageSchema,
  workOrderViewSchema,
} from './work-order.schemas';
import { ZodPipe } from './zod-request';

const commandResultSchema = z.object({ workOrder: workOrderViewSchema, eventSequence: z.number().int(), warnings: z.array(z.unknown()) });

interface StreamingResponse {
  setHeader(name: string, value: string): void;
  write(chunk: string): boolean;
  end(): void;
  once(event: 'drain', listener: () => void): void;
}

const id = new ZodPipe(referenceParamSchema);

/** Thin: parse, call the lifecycle or query service, present. Rules live in libs/work-orders. */
@ApiTags('work-orders')
@UseGuards(AuthGuard)
@Controller('work-orders')
export class WorkOrdersController {
  constructor(
    private readonly lifecycle: WorkOrderLifecycleService,
    private readonly queries: WorkOrderQueryService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Intake (受理): record a new order, answer it on the spot, refuse it with a reason, or transfer an emergency' })
  @JsonBody(intakeSchema)
  @JsonOk(z.object({ workOrder: workOrderViewSchema, eventSequence: z.number(), warnings: z.array(z.unknown()), repeatedAfterAnswerOf: z.string().nullable() }))
  @CommandErrors()
  async intake(@CurrentActor() actor: Actor, @Body(new ZodPipe(intakeSchema)) body: z.output<typeof intakeSchema>) {
    const result = await this.lifecycle.intake(actor, body);
    return { ...this.present(actor, result), repeatedAfterAnswerOf: result.repeatedAfterAnswerOf };
  }

  @Get()
  @ApiOperation({ summary: 'List and search, newest first, with keyset pagination (pass nextCursor back as cursor)' })
  @JsonOk(workOrderPageSchema)
  @AuthenticatedErrors()
  list(@CurrentActor() actor: Actor, @Query(new ZodPipe(listQuerySchema)) query: z.output<typeof listQuerySchema>) {
    return this.queries.list(actor, query);
  }

  @Get('export.csv')
  @ApiOperation({ summary: 'CSV export of a filtered list (numbers always masked, at most 100,000 rows)' })
  @ApiProduces('text/csv')
  @AuthenticatedErrors()
  async exportCsv(@CurrentActor() actor: Actor, @Query(new ZodPipe(exportQuerySchema)) query: z.output<typeof exportQuerySchema>, @Res() response: StreamingResponse) {
    const lines = this.queries.exportCsv(actor, query);
    // Pull the first line before committing to a 200, so a bad filter still answers 400 through the filter.
    const first = await lines.next();
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', 'attachment; filename="work-orders.csv"');
    // A BOM so spreadsheet programs read the Chinese text as UTF-8.
    response.write('\uFEFF');
    if (!first.done) response.write(first.value);
    for await (const line of lines) {
      if (!response.write(line)) await new Promise<void>((resolve) => response.once('drain', resolve));
    }
    response.end();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One order by id or number; reading a full phone number or a confidential name is audited' })
  @ApiParam({ name: 'id', description: 'UUID or 13-digit number' })
  @JsonOk(workOrderViewSchema)
  @CommandErrors()
  get(@CurrentActor() actor: Actor, @Param('id', id) reference: string): Promise<WorkOrderView> {
    return this.queries.get(actor, reference, 'GET /work-orders/:id');
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'The immutable event log: who, when, what, before and after' })
  @CommandErrors()
  events(@CurrentActor() actor: Actor, @Param('id', id) reference: string) {
    return this.queries.events(actor, reference);
  }

  @Get(':id/supervisions')
  @ApiOperation({ summary: '督办 records of the order (overdue timers, repeat reports, manual)' })
  @CommandErrors()
  supervisions(@CurrentActor() actor: Actor, @Param('id', id) reference: string) {
    return this.queries.supervisions(actor, reference);
  }

  @Get(':id/ratings')
  @ApiOperation({ summary: 'Every satisfaction rating, oldest first; the latest round is current' })
  @CommandErrors()
  ratings(@CurrentActor() actor: Actor, @Param('id', id) reference: string) {
    return this.queries.ratings(actor, reference);
  }

  @Post(':id/decline')
  @HttpCode(200)
  @ApiOperation({ summary: 'Not accepted (不予受理) after intake, with a reason from the regulations' })
  @JsonBody(declineSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async decline(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(declineSchema)) body: z.output<typeof declineSchema>) {
    return this.present(actor, await this.lifecycle.decline(actor, orderId, body.version, body));
  }

  @Post(':id/dispatch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dispatch (派单) to a lead unit and co-handlers; sets the sign, return and handling deadlines' })
  @JsonBody(dispatchSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async dispatch(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(dispatchSchema)) body: z.output<typeof dispatchSchema>) {
    return this.present(actor, await this.lifecycle.dispatch(actor, orderId, body.version, body));
  }

  @Post(':id/sign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign (签收) by the lead unit' })
  @JsonBody(versionOnlySchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async sign(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(versionOnlySchema)) body: z.output<typeof versionOnlySchema>) {
    return this.present(actor, await this.lifecycle.sign(actor, orderId, body.version));
  }

  @Post(':id/contact')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the first contact with the caller (Bortala: within 24 h of dispatch)' })
  @JsonBody(noteSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async contact(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(noteSchema)) body: z.output<typeof noteSchema>) {
    return this.present(actor, await this.lifecycle.recordContact(actor, orderId, body.version, body));
  }

  @Post(':id/return')
  @HttpCode(200)
  @ApiOperation({ summary: 'Return (退单) within the preset’s window, with a reason' })
  @JsonBody(reasonSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async returnOrder(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(reasonSchema)) body: z.output<typeof reasonSchema>) {
    return this.present(actor, await this.lifecycle.returnOrder(actor, orderId, body.version, body));
  }

  @Post(':id/return-decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'The centre re-dispatches a returned order or overrules the return' })
  @JsonBody(decideReturnSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async decideReturn(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(decideReturnSchema)) body: z.output<typeof decideReturnSchema>) {
    return this.present(actor, await this.lifecycle.decideReturn(actor, orderId, body.version, body));
  }

  @Post(':id/objection')
  @HttpCode(200)
  @ApiOperation({ summary: 'Object (异议) to a dispatch; the centre arbitrates' })
  @JsonBody(reasonSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async object(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(reasonSchema)) body: z.output<typeof reasonSchema>) {
    return this.present(actor, await this.lifecycle.object(actor, orderId, body.version, body));
  }

  @Post(':id/arbitration')
  @HttpCode(200)
  @ApiOperation({ summary: 'Arbitrate an objection: uphold, reassign, or escalate to the management body' })
  @JsonBody(arbitrateSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async arbitrate(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(arbitrateSchema)) body: z.output<typeof arbitrateSchema>) {
    return this.present(actor, await this.lifecycle.arbitrate(actor, orderId, body.version, body));
  }

  @Post(':id/extension-requests')
  @HttpCode(200)
  @ApiOperation({ summary: 'Request an extension (延期) before the deadline, within the preset’s count and day limits' })
  @JsonBody(extensionRequestSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async requestExtension(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(extensionRequestSchema)) body: z.output<typeof extensionRequestSchema>) {
    return this.present(actor, await this.lifecycle.requestExtension(actor, orderId, body.version, body));
  }

  @Post(':id/extension-decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve (saying how the caller was told) or reject the pending extension' })
  @JsonBody(extensionDecisionSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async decideExtension(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(extensionDecisionSchema)) body: z.output<typeof extensionDecisionSchema>) {
    return this.present(actor, await this.lifecycle.decideExtension(actor, orderId, body.version, body));
  }

  @Post(':id/contributions')
  @HttpCode(200)
  @ApiOperation({ summary: 'A co-handling unit’s answer for the lead unit to include' })
  @JsonBody(contributeSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async contribute(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(contributeSchema)) body: z.output<typeof contributeSchema>) {
    return this.present(actor, await this.lifecycle.contribute(actor, orderId, body.version, body));
  }

  @Post(':id/reply')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reply (反馈): basis, finding, how and when the caller was answered' })
  @JsonBody(replySchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async reply(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(replySchema)) body: z.output<typeof replySchema>) {
    return this.present(actor, await this.lifecycle.reply(actor, orderId, body.version, body));
  }

  @Post(':id/review')
  @HttpCode(200)
  @ApiOperation({ summary: 'Review (审核): accept (办结) or send back (退回重办)' })
  @JsonBody(reviewSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async review(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(reviewSchema)) body: z.output<typeof reviewSchema>) {
    return this.present(actor, await this.lifecycle.review(actor, orderId, body.version, body));
  }

  @Post(':id/rating')
  @HttpCode(200)
  @ApiOperation({ summary: 'Satisfaction rating (好差评) on the preset’s scale; dissatisfied starts the manual follow-up' })
  @JsonBody(rateSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async rate(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(rateSchema)) body: z.output<typeof rateSchema>) {
    return this.present(actor, await this.lifecycle.rate(actor, orderId, body.version, body));
  }

  @Post(':id/follow-up-conclusion')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the follow-up without reopening: the cause was policy or objective limits' })
  @JsonBody(concludeFollowUpSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async concludeFollowUp(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(concludeFollowUpSchema)) body: z.output<typeof concludeFollowUpSchema>) {
    return this.present(actor, await this.lifecycle.concludeFollowUp(actor, orderId, body.version, body));
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen (重办) after the follow-up; a second rating replaces the first' })
  @JsonBody(reasonSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async reopen(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(reasonSchema)) body: z.output<typeof reasonSchema>) {
    return this.present(actor, await this.lifecycle.reopen(actor, orderId, body.version, body));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive (归档) a rated, closed order' })
  @JsonBody(versionOnlySchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async archive(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(versionOnlySchema)) body: z.output<typeof versionOnlySchema>) {
    return this.present(actor, await this.lifecycle.archive(actor, orderId, body.version));
  }

  @Post(':id/supervision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Manual supervision (督办) by the centre' })
  @JsonBody(reasonSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async supervise(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(reasonSchema)) body: z.output<typeof reasonSchema>) {
    return this.present(actor, await this.lifecycle.supervise(actor, orderId, body.version, body));
  }

  @Post(':id/calls')
  @HttpCode(200)
  @ApiOperation({ summary: 'Link a call (and its recording) to the order' })
  @JsonBody(linkCallSchema)
  @JsonOk(commandResultSchema)
  @CommandErrors()
  async linkCall(@CurrentActor() actor: Actor, @Param('id', id) orderId: string, @Body(new ZodPipe(linkCallSchema)) body: z.output<typeof linkCallSchema>) {
    return this.present(actor, await this.lifecycle.linkCall(actor, orderId, body.version, body));
  }

  /** Command answers mask the caller as lists do: they confirm a change, they are not a read of the contact. */
  private present(actor: Actor, result: CommandResult) {
    return {
      workOrder: toWorkOrderView(result.order, callerVisibility(actor, result.order, 'list'), this.clock.now()),
      eventSequence: result.eventSequence,
      warnings: result.warnings,
    };
  }
}
