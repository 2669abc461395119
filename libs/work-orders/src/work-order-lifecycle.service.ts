import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { Actor, hasRole, isUnitScoped, Role, UnitKind } from '@hotline/org';
import {
  computeDeadline,
  countWorkingDays,
  Deadline,
  DeadlineWarningDetail,
  extendDeadline,
  RequestType,
  resolveHandlingLimit,
  resolveSignLimit,
  SlaDuration,
  SlaPreset,
  SlaPresetCatalog,
  shanghaiDate,
  WorkingDayCalendar,
  WorkingDayCalendarService,
} from '@hotline/sla';
import { randomUUID } from 'node:crypto';
import { DuplicateDetector } from './duplicate-detector';
import { WorkOrderChangeHooks } from './work-order-change.hooks';
import { Sql, TransactionRunner } from './pg-transaction';
import {
  ArbitrationInput,
  DispatchInput,
  ExtensionDecisionInput,
  ExtensionRequestInput,
  FollowUpConclusionInput,
  IntakeInput,
  RatingInput,
  ReplyInput,
  ReturnDecisionInput,
  ReviewInput,
  UnitSelection,
} from './work-order-commands';
import { formatWorkOrderNumber } from './work-order-number';
import { COMMAND_RULES, WorkOrderCommand } from './work-order-state-machine';
import { TimerKind, TimerRequest, TimerScheduler } from './work-order-timer';
import { diffWorkOrders, WorkOrder, WorkOrderAssignment } from './work-order.entity';
import {
  DuplicateOpenOrderError,
  IllegalTransitionError,
  InvalidWorkOrderInputError,
  PreconditionFailedError,
  StaleVersionError,
  WorkOrderErrorCode,
  WorkOrderForbiddenError,
  WorkOrderNotFoundError,
} from './work-order.errors';
import { NotAcceptedReason, WorkOrderStatus as S } from './work-order.types';
import { WorkOrderRepository } from './work-order.repository';

export interface CommandResult {
  order: WorkOrder;
  /** Sequence of the event this command appended. */
  eventSequence: number;
  warnings: DeadlineWarningDetail[];
}

export interface IntakeResult extends CommandResult {
  /** Set when the caller reported this matter before and got a clear answer (not blocking, flagged). */
  repeatedAfterAnswerOf: string | null;
}

interface Outcome {
  after: WorkOrder;
  payload?: Record<string, unknown>;
  timers?: TimerRequest[];
  warnings?: DeadlineWarningDetail[];
}

interface Context {
  tx: Sql;
  before: WorkOrder;
  now: Date;
  preset: SlaPreset;
  calendar: WorkingDayCalendar;
  assignments: WorkOrderAssignment[];
}

/**
 * Every change to a work order, as a command with preconditions. One transaction per command: check the
 * caller may issue it (role, unit), that the client saw the current version, that the status allows it and
 * that its preconditions hold; then write the new state, append the event (who, when, before, after) and
 * enqueue the timers the new deadlines need — all or nothing.
 */
@Injectable()
export class WorkOrderLifecycleService {
  private readonly logger = new Logger(WorkOrderLifecycleService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: WorkOrderRepository,
    private readonly presets: SlaPresetCatalog,
    private readonly calendars: WorkingDayCalendarService,
    private readonly timers: TimerScheduler,
    private readonly duplicates: DuplicateDetector,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly hooks: WorkOrderChangeHooks,
  ) {}

  // ── intake ────────────────────────────────────────────────────────────────────────────────────────────

  async intake(actor: Actor, input: IntakeInput): Promise<IntakeResult> {
    if (!hasRole(actor, Role.Agent, Role.Supervisor) || !actor.userId) {
      throw new WorkOrderForbiddenError(WorkOrderErrorCode.RoleNotAllowed, 'Only agents and supervisors take in work orders');
    }
    const intakeBy = actor.userId;
    const now = this.clock.now();
    const preset = this.presets.active();
    const calendar = await this.calendars.calendar();
    const result = await this.transactions.run(async (tx) => {
      const categoryPath = await this.repository.categoryPath(tx, input.categoryId);
      if (categoryPath.length === 0) {
        throw new InvalidWorkOrderInputError(WorkOrderErrorCode.CategoryNotFound, `Category ${input.categoryId} does not exist`, {
          field: 'categoryId',
        });
      }
      if (input.channel === 'integrated_line' && !input.lineTag) {
        throw new InvalidWorkOrderInputError(WorkOrderErrorCode.InvalidInput, 'An integrated-line order names its line (lineTag)', { field: 'lineTag' });
      }
      const duplicates = await this.duplicates.check(tx, { callerPhone: input.caller.phone, subject: input.subject, content: input.content, now });
      if (duplicates.openWithinDeadline.length > 0 && !input.duplicateOverride && input.disposition.kind === 'dispatch') {
        throw new DuplicateOpenOrderError(
          duplicates.openWithinDeadline.map((candidate) => ({
            number: candidate.number,
            status: candidate.status,
            handleDueAt: candidate.handleDueAt?.toISOString() ?? null,
          })),
        );
      }

      const id = randomUUID();
      const number = formatWorkOrderNumber(now, await this.repository.nextDailySequence(tx, shanghaiDate(now)));
      const disposition = input.disposition;
      const status =
        disposition.kind === 'dispatch' ? S.Accepted
        : disposition.kind === 'resolve_on_spot' ? S.Closed
        : disposition.kind === 'not_accepted' ? S.NotAccepted
        : S.Transferred;
      const dispatchDue = status === S.Accepted && preset.rules.dispatch ? computeDeadline(calendar, now, preset.rules.dispatch) : null;
      // A call of this matter was transferred to 110/119/120/122 (call_transfers): an emergency-linked matter.
      const emergencyTransferred =
        (await this.repository.hasEmergencyTransfer(tx, input.callIds ?? [])) || (!!input.draftId && (await this.repository.draftHasEmergencyTransfer(tx, input.draftId)));
      const order: WorkOrder = {
        id,
        number,
        status,
        version: 1,
        presetCode: preset.code,
        presetVersion: preset.version,
        channel: input.channel,
        lineTag: input.lineTag ?? null,
        type: input.type,
        callerKind: input.callerKind,
        categoryId: input.categoryId,
        regionCode: input.regionCode ?? null,
        address: input.address ?? null,
        subject: input.subject,
        content: input.content,
        callerPhone: input.caller.phone,
        callerName: input.caller.name ?? null,
        contactPreference: input.caller.contactPreference,
        // A reporter's identity is never passed to the unit (Bortala 第二十九条): reports are always confidential.
        confidential: input.confidential || input.type === RequestType.Report,
        emergencyLinked: (input.emergencyLinked ?? false) || emergencyTransferred,
        intakeBy,
        receivedAt: now,
        leadUnitId: null,
        dispatchedAt: null,
        dispatchDueAt: dispatchDue?.dueAt ?? null,
        signDueAt: null,
        signedAt: null,
        firstContactDueAt: null,
        firstContactedAt: null,
        returnDueAt: null,
        handleDueAt: null,
        handlingLimit: null,
        repliedAt: null,
        closedAt: status === S.Closed ? now : null,
        archivedAt: null,
        extensionCount: 0,
        extendedWorkingDays: 0,
        sendBackCount: 0,
        reopenCount: 0,
        returnCount: 0,
        arbitrationEscalated: false,
        ratingRound: 0,
        currentRating: null,
        dispositionReason: disposition.kind === 'not_accepted' ? disposition.reason : null,
        dispositionNote:
          disposition.kind === 'not_accepted' ? disposition.explanation
          : disposition.kind === 'resolve_on_spot' ? disposition.answer
          : null,
        transferredTo: disposition.kind === 'transfer_emergency' ? disposition.line : null,
        repeatedAfterAnswerOf: duplicates.answered[0]?.id ?? null,
        deadlineWarnings: dispatchDue?.warnings ?? [],
      };
      await this.repository.insert(tx, order);
      for (const callId of input.callIds ?? []) {
        if (!(await this.repository.callExists(tx, callId))) {
          throw new InvalidWorkOrderInputError(WorkOrderErrorCode.InvalidInput, `Call ${callId} does not exist`, { field: 'callIds' });
        }
        await this.repository.linkCall(tx, id, callId, null);
      }
      // Filed from the call's draft: the call (and a voice message's recording) is linked to the new order.
      const fromDraft = input.draftId ? await this.repository.submitCallDraft(tx, input.draftId, id) : null;
      if (input.draftId && !fromDraft) {
        throw new InvalidWorkOrderInputError(WorkOrderErrorCode.InvalidInput, `Draft ${input.draftId} does not exist or was filed already`, { field: 'draftId' });
      }
      if (fromDraft) await this.repository.linkCall(tx, id, fromDraft.callId, fromDraft.recordingId);
      const eventSequence = await this.repository.appendEvent(tx, {
        orderId: id,
        type: 'intake',
        actorId: actor.userId,
        actorRoles: actor.roles,
        occurredAt: now,
        ...diffWorkOrders(null, order),
        payload: {
          disposition: disposition.kind,
          callIds: [...new Set([...(input.callIds ?? []), ...(fromDraft ? [fromDraft.callId] : [])])],
          draftId: input.draftId ?? null,
          duplicateOverride: input.duplicateOverride ?? null,
          duplicatesSeen: duplicates.openWithinDeadline.map((candidate) => candidate.number),
          repeatedAfterAnswerOf: duplicates.answered.map((candidate) => candidate.number),
        },
      });
      // A matter reported again while its order is overdue is a reason to supervise that order (督办).
      for (const overdue of duplicates.openOverdue) {
        await this.repository.insertSupervision(tx, {
          orderId: overdue.id,
          unitId: overdue.leadUnitId,
          kind: 'repeat_report',
          level: 1,
          dueAt: overdue.handleDueAt,
          reason: `诉求人再次反映 (新工单 ${number}), 原工单已超期`,
          createdBy: actor.userId,
          createdAt: now,
        });
        await this.repository.appendEvent(tx, {
          orderId: overdue.id,
          type: 'supervised',
          actorId: actor.userId,
          actorRoles: actor.roles,
          occurredAt: now,
          before: null,
          after: null,
          payload: { kind: 'repeat_report', level: 1, newOrder: number },
        });
      }
      if (dispatchDue) {
        await this.timers.schedule(tx, [{ orderId: id, kind: TimerKind.DispatchOverdue, fireAt: dispatchDue.dueAt, dueAt: dispatchDue.dueAt }]);
      }
      // An order answered on the spot is closed at once and reaches the rating step here.
      await this.hooks.notify(tx, { command: 'intake', actor, before: null, after: order, payload: { disposition: disposition.kind }, now });
      return { order, eventSequence, warnings: order.deadlineWarnings, repeatedAfterAnswerOf: order.repeatedAfterAnswerOf };
    });
    this.logger.log(`Work order ${result.order.number} taken in as ${result.order.status} by ${actor.username}`);
    this.warn(result.order, result.warnings);
    return result;
  }

  // ── commands on an existing order ─────────────────────────────────────────────────────────────────────

  decline(actor: Actor, id: string, version: number, input: { reason: NotAcceptedReason; explanation: string }): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Decline, async ({ before }) => ({
      after: { ...before, status: S.NotAccepted, dispositionReason: input.reason, dispositionNote: input.explanation, dispatchDueAt: null },
      payload: { reason: input.reason },
    }));
  }

  dispatch(actor: Actor, id: string, version: number, input: DispatchInput): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Dispatch, async (context) => {
      const late = context.before.dispatchDueAt !== null && context.now >= context.before.dispatchDueAt;
      return this.assignUnits(context, input, { note: input.note ?? null, dispatchLate: late });
    });
  }

  sign(actor: Actor, id: string, version: number): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Sign, async ({ before, now }) => ({
      after: { ...before, status: S.Handling, signedAt: now },
      payload: { late: before.signDueAt !== null && now >= before.signDueAt },
    }));
  }

  recordContact(actor: Actor, id: string, version: number, input: { note: string }): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.RecordContact, async ({ before, now }) => {
      if (before.firstContactedAt) {
        throw new PreconditionFailedError(WorkOrderErrorCode.AlreadyContacted, 'The first contact with the caller is already recorded');
      }
      return {
        after: { ...before, firstContactedAt: now },
        payload: { note: input.note, late: before.firstContactDueAt !== null && now >= before.firstContactDueAt },
      };
    });
  }

  /** 退单: the lead unit says the order is not its to handle. */
  returnOrder(actor: Actor, id: string, version: number, input: { reason: string }): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Return, async ({ before, now, preset }) => {
      const policy = preset.rules.returnPolicy;
      if (policy.mode === 'objection_only') {
        throw new PreconditionFailedError(
          WorkOrderErrorCode.ReturnNotProvided,
          `Under ${preset.code} a unit objects to a dispatch and the centre decides; returning is not provided`,
          { preset: preset.code, use: WorkOrderCommand.Object },
        );
      }
      if (policy.mode === 'window' && before.returnDueAt && now >= before.returnDueAt) {
        throw new PreconditionFailedError(WorkOrderErrorCode.ReturnWindowClosed, 'The window to return this order has closed', {
          returnDueAt: before.returnDueAt.toISOString(),
        });
      }
      return {
        after: { ...before, status: S.Returned, returnCount: before.returnCount + 1 },
        payload: { reason: input.reason, unitId: before.leadUnitId },
      };
    });
  }

  /** The centre re-dispatches a returned order, or overrules the return and the unit must handle it. */
  decideReturn(actor: Actor, id: string, version: number, input: ReturnDecisionInput): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.DecideReturn, async (context) => {
      if (input.decision === 'redispatch') return this.assignUnits(context, input, { note: input.note, decision: 'redispatch' });
      const { before, now } = context;
      // Overruled: the return did not stop the clock, the original deadlines stand.
      return {
        after: { ...before, status: S.Handling, signedAt: before.signedAt ?? now },
        payload: { decision: 'overrule', note: input.note },
      };
    });
  }

  /** 异议: the lead unit disputes the dispatch; the centre arbitrates. */
  object(actor: Actor, id: string, version: number, input: { reason: string }): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Object, async ({ before }) => ({
      after: { ...before, status: S.InArbitration, arbitrationEscalated: false },
      payload: { reason: input.reason, unitId: before.leadUnitId, from: before.status },
    }));
  }

  arbitrate(actor: Actor, id: string, version: number, input: ArbitrationInput): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Arbitrate, async (context) => {
      const { before } = context;
      // Once escalated, only the management body (admin) decides (Guizhou 第十三条).
      if (before.arbitrationEscalated && !hasRole(actor, Role.Admin)) {
        throw new WorkOrderForbiddenError(WorkOrderErrorCode.ArbitrationEscalated, 'The objection was escalated to the management body');
      }
      if (!before.arbitrationEscalated && hasRole(actor, Role.Admin) && !hasRole(actor, Role.Supervisor, Role.Reviewer)) {
        throw new PreconditionFailedError(WorkOrderErrorCode.IllegalTransition, 'The centre arbitrates first; the management body decides escalated objections');
      }
      switch (input.decision) {
        case 'escalate':
          if (before.arbitrationEscalated) {
            throw new PreconditionFailedError(WorkOrderErrorCode.ArbitrationEscalated, 'The objection is already with the management body');
          }
          return { after: { ...before, arbitrationEscalated: true }, payload: { decision: 'escalate', note: input.note } };
        case 'uphold':
          return {
            after: { ...before, status: before.signedAt ? S.Handling : S.Dispatched, arbitrationEscalated: false },
            payload: { decision: 'uphold', note: input.note },
          };
        case 'reassign':
          return this.assignUnits(context, input, { note: input.note, decision: 'reassign' });
      }
    });
  }

  requestExtension(actor: Actor, id: string, version: number, input: ExtensionRequestInput): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.RequestExtension, async ({ tx, before, now, preset, calendar }) => {
      const rule = preset.rules.extension;
      if (!rule) {
        throw new PreconditionFailedError(WorkOrderErrorCode.ExtensionNotProvided, `${preset.code} provides no extensions`, { preset: preset.code });
      }
      if (!before.handleDueAt || !before.dispatchedAt) {
        throw new PreconditionFailedError(WorkOrderErrorCode.NoDeadlineToExtend, 'This order has no handling deadline to extend');
      }
      // Requested before the deadline (Bortala 第十三条㈢ "在办理期限届满前").
      if (now >= before.handleDueAt) {
        throw new PreconditionFailedError(WorkOrderErrorCode.ExtensionAfterDeadline, 'Extensions are requested before the deadline', {
          handleDueAt: before.handleDueAt.toISOString(),
        });
      }
      if (await this.repository.pendingExtension(tx, before.id)) {
        throw new PreconditionFailedError(WorkOrderErrorCode.ExtensionAlreadyPending, 'An extension request is already waiting for a decision');
      }
      if (rule.maxRequests !== null && before.extensionCount >= rule.maxRequests) {
        throw new PreconditionFailedError(WorkOrderErrorCode.ExtensionLimitReached, `${preset.code} allows at most ${rule.maxRequests} extension request(s)`, {
          maxRequests: rule.maxRequests,
        });
      }
      const perRequestMax =
        rule.perRequest.mode === 'max_working_days' ? rule.perRequest.days
        : rule.perRequest.mode === 'equal_to_original' ? originalWorkingDays(before, calendar)
        : null;
      if (perRequestMax !== null && input.workingDays > perRequestMax) {
        throw new PreconditionFailedError(WorkOrderErrorCode.ExtensionTooLong, `An extension may be at most ${perRequestMax} working days`, {
          maxWorkingDays: perRequestMax,
        });
      }
      if (rule.maxTotalWorkingDays !== null && before.extendedWorkingDays + input.workingDays > rule.maxTotalWorkingDays) {
        throw new PreconditionFailedError(
          WorkOrderErrorCode.ExtensionTotalExceeded,
          `Extensions may add at most ${rule.maxTotalWorkingDays} working days in total`,
          { maxTotalWorkingDays: rule.maxTotalWorkingDays, alreadyExtended: before.extendedWorkingDays },
        );
      }
      const unitId = before.leadUnitId!;
      const requestId = await this.repository.insertExtension(tx, {
        orderId: before.id,
        unitId,
        requestedBy: actor.userId!,
        requestedAt: now,
        workingDays: input.workingDays,
        reason: input.reason,
      });
      return {
        after: { ...before, extensionCount: before.extensionCount + 1 },
        payload: { requestId, workingDays: input.workingDays, reason: input.reason },
      };
    });
  }

  /** The centre decides; an approval must say how the caller was told (告知诉求人). */
  decideExtension(actor: Actor, id: string, version: number, input: ExtensionDecisionInput): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.DecideExtension, async ({ tx, before, now, calendar, preset }) => {
      const pending = await this.repository.pendingExtension(tx, before.id);
      if (!pending) throw new PreconditionFailedError(WorkOrderErrorCode.ExtensionNotPending, 'No extension request is waiting for a decision');
      if (!input.approve) {
        await this.repository.decideExtension(tx, pending.id, { status: 'rejected', decidedBy: actor.userId, decidedAt: now, note: input.note, callerNotice: null });
        return { after: before, payload: { requestId: pending.id, approved: false, note: input.note } };
      }
      await this.repository.decideExtension(tx, pending.id, {
        status: 'approved',
        decidedBy: actor.userId,
        decidedAt: now,
        note: input.note ?? null,
        callerNotice: input.callerNotice,
      });
      const extended = extendDeadline(calendar, before.handleDueAt!, pending.workingDays);
      const after: WorkOrder = {
        ...before,
        handleDueAt: extended.dueAt,
        extendedWorkingDays: before.extendedWorkingDays + pending.workingDays,
        deadlineWarnings: mergeWarnings(before.deadlineWarnings, extended.warnings),
      };
      return {
        after,
        payload: { requestId: pending.id, approved: true, workingDays: pending.workingDays, callerNotice: input.callerNotice },
        timers: this.handlingTimers(after, now, extended, preset),
        warnings: extended.warnings,
      };
    });
  }

  /** A co-handler's answer, which the lead unit gathers into its single reply (首接负责制). */
  contribute(actor: Actor, id: string, version: number, input: { contribution: string }): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Contribute, async ({ tx, before, now, assignments }) => {
      const own = assignments.find((assignment) => assignment.unitId === actor.unitId && assignment.role === 'co');
      if (!own) throw new WorkOrderForbiddenError(WorkOrderErrorCode.NotCoHandler, 'Only a co-handling unit contributes to the lead unit');
      if (own.contribution) throw new PreconditionFailedError(WorkOrderErrorCode.ContributionAlreadyGiven, 'This unit has already contributed');
      await this.repository.recordContribution(tx, before.id, own.unitId, input.contribution, actor.userId, now);
      return { after: before, payload: { unitId: own.unitId, contribution: input.contribution } };
    });
  }

  reply(actor: Actor, id: string, version: number, input: ReplyInput): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Reply, async ({ before, now, preset, calendar, assignments }) => {
      const missing = assignments.filter((assignment) => assignment.role === 'co' && !assignment.contribution);
      if (missing.length > 0) {
        throw new PreconditionFailedError(WorkOrderErrorCode.CoHandlerInputMissing, 'Co-handling units have not contributed yet', {
          units: missing.map((assignment) => assignment.unitId),
        });
      }
      const finishedAt = input.finishedAt ?? now;
      if (finishedAt > now || input.callerAnsweredAt > now) {
        throw new InvalidWorkOrderInputError(WorkOrderErrorCode.InvalidInput, 'finishedAt and callerAnsweredAt cannot be in the future', {
          field: finishedAt > now ? 'finishedAt' : 'callerAnsweredAt',
        });
      }
      const replyDue = preset.rules.replyToCaller ? computeDeadline(calendar, finishedAt, preset.rules.replyToCaller).dueAt : null;
      const since = before.signedAt ?? before.dispatchedAt ?? before.receivedAt;
      return {
        after: { ...before, status: S.Replied, repliedAt: now },
        payload: {
          basis: input.basis,
          finding: input.finding,
          callerAnswer: input.callerAnswer,
          callerAnsweredAt: input.callerAnsweredAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
          // 办理时限: how long it took, in working days, and whether it kept the limit.
          workingDaysTaken: countWorkingDays(calendar, since, finishedAt),
          late: before.handleDueAt !== null && finishedAt >= before.handleDueAt,
          callerReplyDueAt: replyDue?.toISOString() ?? null,
          callerReplyLate: replyDue !== null && before.contactPreference !== 'no_contact' && input.callerAnsweredAt >= replyDue,
          contributions: assignments.filter((a) => a.role === 'co').map((a) => ({ unitId: a.unitId, contribution: a.contribution })),
        },
      };
    });
  }

  /** 审核: accept (办结) or send back to the unit (退回重办) with a fresh handling limit. */
  review(actor: Actor, id: string, version: number, input: ReviewInput): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Review, async ({ before, now, preset, calendar }) => {
      if (input.decision === 'accept') {
        return { after: { ...before, status: S.Closed, closedAt: now }, payload: { decision: 'accept', note: input.note ?? null } };
      }
      const deadline = before.handlingLimit ? computeDeadline(calendar, now, before.handlingLimit) : null;
      const after: WorkOrder = {
        ...before,
        status: S.Handling,
        repliedAt: null,
        sendBackCount: before.sendBackCount + 1,
        handleDueAt: deadline?.dueAt ?? null,
        deadlineWarnings: mergeWarnings(before.deadlineWarnings, deadline?.warnings ?? []),
      };
      return {
        after,
        payload: { decision: 'send_back', reason: input.reason },
        timers: deadline ? this.handlingTimers(after, now, deadline, preset) : [],
        warnings: deadline?.warnings,
      };
    });
  }

  /** 好差评 on the preset's scale; a dissatisfied rating starts the manual follow-up. */
  rate(actor: Actor, id: string, version: number, input: RatingInput): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Rate, async ({ tx, before, now, preset }) => {
      const scale = preset.rules.rating;
      if (!scale.levels.includes(input.handlingLevel) || (input.intakeLevel && !scale.levels.includes(input.intakeLevel))) {
        throw new InvalidWorkOrderInputError(WorkOrderErrorCode.RatingLevelNotOnScale, `${preset.code} rates on ${scale.levels.join(', ')}`, {
          field: scale.levels.includes(input.handlingLevel) ? 'intakeLevel' : 'handlingLevel',
          levels: scale.levels,
        });
      }
      if (input.intakeLevel && !scale.ratesIntakeSeparately) {
        throw new InvalidWorkOrderInputError(WorkOrderErrorCode.IntakeRatingNotSeparate, `${preset.code} does not rate intake separately`, {
          field: 'intakeLevel',
        });
      }
      // One rating per round: the first after closing, a second after a reopen replaces it.
      if (before.ratingRound > before.reopenCount) {
        throw new PreconditionFailedError(WorkOrderErrorCode.RatingAlreadyRecorded, 'This round of handling is already rated', {
          ratingRound: before.ratingRound,
        });
      }
      const round = before.ratingRound + 1;
      await this.repository.insertRating(tx, {
        orderId: before.id,
        round,
        handlingLevel: input.handlingLevel,
        intakeLevel: input.intakeLevel ?? null,
        surveyChannel: input.surveyChannel,
        comment: input.comment ?? null,
        recordedBy: actor.userId,
        ratedAt: now,
      });
      const dissatisfied = scale.dissatisfied.includes(input.handlingLevel);
      return {
        after: { ...before, ratingRound: round, currentRating: input.handlingLevel, status: dissatisfied ? S.FollowUp : S.Closed },
        payload: { round, handlingLevel: input.handlingLevel, intakeLevel: input.intakeLevel ?? null, surveyChannel: input.surveyChannel, dissatisfied },
      };
    });
  }

  /** The follow-up found a policy or objective cause: no reopening, the rating stands. */
  concludeFollowUp(actor: Actor, id: string, version: number, input: FollowUpConclusionInput): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.ConcludeFollowUp, async ({ before }) => ({
      after: { ...before, status: S.Closed },
      payload: { cause: input.cause, notes: input.notes },
    }));
  }

  /** 重办: handled again by the same lead unit, with a fresh limit; a second rating follows. */
  reopen(actor: Actor, id: string, version: number, input: { reason: string }): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Reopen, async ({ before, now, preset, calendar }) => {
      if (!before.leadUnitId) {
        // Answered on the spot: there is no unit yet, so the order goes back to dispatch.
        const dispatchDue = preset.rules.dispatch ? computeDeadline(calendar, now, preset.rules.dispatch) : null;
        return {
          after: { ...before, status: S.Accepted, reopenCount: before.reopenCount + 1, closedAt: null, dispatchDueAt: dispatchDue?.dueAt ?? null },
          payload: { reason: input.reason },
          timers: dispatchDue ? [{ orderId: before.id, kind: TimerKind.DispatchOverdue, fireAt: dispatchDue.dueAt, dueAt: dispatchDue.dueAt }] : [],
        };
      }
      const deadline = before.handlingLimit ? computeDeadline(calendar, now, before.handlingLimit) : null;
      const after: WorkOrder = {
        ...before,
        status: S.Handling,
        reopenCount: before.reopenCount + 1,
        repliedAt: null,
        closedAt: null,
        handleDueAt: deadline?.dueAt ?? null,
        deadlineWarnings: mergeWarnings(before.deadlineWarnings, deadline?.warnings ?? []),
      };
      return {
        after,
        payload: { reason: input.reason },
        timers: deadline ? this.handlingTimers(after, now, deadline, preset) : [],
        warnings: deadline?.warnings,
      };
    });
  }

  archive(actor: Actor, id: string, version: number): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Archive, async ({ before, now }) => {
      if (before.ratingRound <= before.reopenCount) {
        throw new PreconditionFailedError(WorkOrderErrorCode.RatingRequired, 'Every closed order is rated before it is archived', {
          ratingRound: before.ratingRound,
          reopenCount: before.reopenCount,
        });
      }
      return { after: { ...before, status: S.Archived, archivedAt: now } };
    });
  }

  /** Manual 督办 by the centre. */
  supervise(actor: Actor, id: string, version: number, input: { reason: string }): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.Supervise, async ({ tx, before, now }) => {
      const supervisionId = await this.repository.insertSupervision(tx, {
        orderId: before.id,
        unitId: before.leadUnitId,
        kind: 'manual',
        level: 1,
        dueAt: before.handleDueAt,
        reason: input.reason,
        createdBy: actor.userId,
        createdAt: now,
      });
      await this.repository.notify(tx, {
        orderId: before.id,
        unitId: before.leadUnitId,
        kind: 'supervision',
        message: `工单 ${before.number} 督办: ${input.reason}`,
        dedupeKey: `manual-supervision:${supervisionId}`,
        at: now,
      });
      return { after: before, payload: { supervisionId, reason: input.reason } };
    });
  }

  linkCall(actor: Actor, id: string, version: number, input: { callId: string; recordingRef?: string | null }): Promise<CommandResult> {
    return this.execute(actor, id, version, WorkOrderCommand.LinkCall, async ({ tx, before }) => {
      if (!(await this.repository.callExists(tx, input.callId))) {
        throw new InvalidWorkOrderInputError(WorkOrderErrorCode.InvalidInput, `Call ${input.callId} does not exist`, { field: 'callId' });
      }
      const linked = await this.repository.linkCall(tx, before.id, input.callId, input.recordingRef ?? null);
      // A call transferred to an emergency line makes the matter emergency-linked (its deadlines apply from the next dispatch).
      const emergency = !before.emergencyLinked && (await this.repository.hasEmergencyTransfer(tx, [input.callId]));
      const after = emergency ? { ...before, emergencyLinked: true } : before;
      return { after, payload: { callId: input.callId, recordingRef: input.recordingRef ?? null, alreadyLinked: !linked, ...(emergency ? { emergencyLinked: true } : {}) } };
    });
  }

  // ── shared machinery ──────────────────────────────────────────────────────────────────────────────────

  private async execute(
    actor: Actor,
    id: string,
    expectedVersion: number,
    command: WorkOrderCommand,
    decide: (context: Context) => Promise<Outcome>,
  ): Promise<CommandResult> {
    const rule = COMMAND_RULES[command];
    if (!actor.roles.some((role) => rule.roles.includes(role))) {
      throw new WorkOrderForbiddenError(WorkOrderErrorCode.RoleNotAllowed, `Your roles may not ${command} a work order`, {
        command,
        allowedRoles: rule.roles,
      });
    }
    const now = this.clock.now();
    const calendar = await this.calendars.calendar();
    const result = await this.transactions.run(async (tx) => {
      const before = await this.repository.findById(tx, id);
      if (!before) throw new WorkOrderNotFoundError(id);
      const assignments = await this.repository.assignments(tx, id);
      this.checkUnitScope(actor, command, assignments, id);
      if (before.version !== expectedVersion) throw new StaleVersionError(expectedVersion, before.version);
      if (!rule.from.includes(before.status)) throw new IllegalTransitionError(command, before.status, rule.from);
      const preset = await this.presets.version(before.presetCode, before.presetVersion);

      const outcome = await decide({ tx, before, now, preset, calendar, assignments });
      const after: WorkOrder = { ...outcome.after, version: before.version + 1 };
      if (!(await this.repository.update(tx, before, after))) {
        throw new StaleVersionError(expectedVersion, await this.repository.currentVersion(tx, id));
      }
      const eventSequence = await this.repository.appendEvent(tx, {
        orderId: id,
        type: command,
        actorId: actor.userId,
        actorRoles: actor.roles,
        occurredAt: now,
        ...diffWorkOrders(before, after),
        payload: outcome.payload ?? {},
      });
      if (outcome.timers?.length) await this.timers.schedule(tx, outcome.timers);
      await this.hooks.notify(tx, { command, actor, before, after, payload: outcome.payload ?? {}, now });
      return { order: after, eventSequence, warnings: outcome.warnings ?? [] };
    });
    this.logger.log(`Work order ${result.order.number}: ${command} by ${actor.username} → ${result.order.status} (v${result.order.version})`);
    this.warn(result.order, result.warnings);
    return result;
  }

  /** Unit roles act only on their own unit's orders, and as lead or co-handler as the command requires. */
  private checkUnitScope(actor: Actor, command: WorkOrderCommand, assignments: WorkOrderAssignment[], id: string): void {
    if (!isUnitScoped(actor.roles)) return;
    const own = assignments.find((assignment) => assignment.unitId === actor.unitId);
    // Not assigned: the order does not exist as far as this unit can tell.
    if (!own) throw new WorkOrderNotFoundError(id);
    const scope = COMMAND_RULES[command].unitScope;
    if (scope === 'lead' && own.role !== 'lead') {
      throw new WorkOrderForbiddenError(WorkOrderErrorCode.NotLeadUnit, `Only the lead unit may ${command} this order`, { command });
    }
    if (scope === 'co' && own.role !== 'co') {
      throw new WorkOrderForbiddenError(WorkOrderErrorCode.NotCoHandler, `Only a co-handling unit may ${command} this order`, { command });
    }
  }

  /** Dispatch, re-dispatch and reassignment: new units, fresh deadlines counted from now. */
  private async assignUnits(context: Context, selection: UnitSelection, payload: Record<string, unknown>): Promise<Outcome> {
    const { tx, before, now, preset, calendar } = context;
    const coUnitIds = [...new Set(selection.coUnitIds ?? [])].filter((unitId) => unitId !== selection.leadUnitId);
    const units = await this.repository.unitKinds(tx, [selection.leadUnitId, ...coUnitIds]);
    for (const unitId of [selection.leadUnitId, ...coUnitIds]) {
      const unit = units.get(unitId);
      if (!unit || !unit.active || unit.kind === UnitKind.Centre || unit.kind === UnitKind.Management) {
        throw new InvalidWorkOrderInputError(WorkOrderErrorCode.UnitNotDispatchable, `Unit ${unitId} cannot receive work orders`, {
          field: unitId === selection.leadUnitId ? 'leadUnitId' : 'coUnitIds',
          unitId,
        });
      }
    }
    await this.repository.replaceAssignments(tx, before.id, selection.leadUnitId, coUnitIds, now);

    const categoryPath = (await this.repository.categoryPath(tx, before.categoryId)).map((category) => category.code);
    const handling = resolveHandlingLimit(preset.rules, {
      type: before.type,
      callerKind: before.callerKind,
      categoryPath,
      emergencyLinked: before.emergencyLinked,
    });
    const signLimit = resolveSignLimit(preset.rules, before.emergencyLinked);
    const sign = signLimit ? computeDeadline(calendar, now, signLimit) : null;
    const contact = preset.rules.firstContact ? computeDeadline(calendar, now, preset.rules.firstContact) : null;
    const returnWindow = preset.rules.returnPolicy.mode === 'window' ? computeDeadline(calendar, now, preset.rules.returnPolicy.within) : null;
    const handle = handling.limit ? computeDeadline(calendar, now, handling.limit) : null;
    const warnings = [sign, returnWindow, handle].flatMap((deadline) => deadline?.warnings ?? []);

    const after: WorkOrder = {
      ...before,
      status: S.Dispatched,
      leadUnitId: selection.leadUnitId,
      dispatchedAt: now,
      signedAt: null,
      signDueAt: sign?.dueAt ?? null,
      firstContactDueAt: contact?.dueAt ?? null,
      firstContactedAt: null,
      returnDueAt: returnWindow?.dueAt ?? null,
      handleDueAt: handle?.dueAt ?? null,
      handlingLimit: handling.limit,
      arbitrationEscalated: false,
      deadlineWarnings: mergeWarnings(before.deadlineWarnings, warnings),
    };
    const timers: TimerRequest[] = [];
    if (sign) {
      timers.push({ orderId: before.id, kind: TimerKind.SignReminder, fireAt: reminderAt(now, sign.dueAt, preset), dueAt: sign.dueAt });
      timers.push({ orderId: before.id, kind: TimerKind.SignOverdue, fireAt: sign.dueAt, dueAt: sign.dueAt });
    }
    if (contact) timers.push({ orderId: before.id, kind: TimerKind.ContactOverdue, fireAt: contact.dueAt, dueAt: contact.dueAt });
    if (handle) timers.push(...this.handlingTimers(after, now, handle, preset));
    return {
      after,
      payload: {
        ...payload,
        leadUnitId: selection.leadUnitId,
        coUnitIds,
        handlingLimit: handling.limit,
        handlingLimitSource: handling.limit ? handling.source : 'not_set',
      },
      timers,
      warnings,
    };
  }

  private handlingTimers(order: WorkOrder, from: Date, deadline: Deadline, preset: SlaPreset): TimerRequest[] {
    return [
      { orderId: order.id, kind: TimerKind.HandleReminder, fireAt: reminderAt(from, deadline.dueAt, preset), dueAt: deadline.dueAt },
      { orderId: order.id, kind: TimerKind.HandleOverdue, fireAt: deadline.dueAt, dueAt: deadline.dueAt },
    ];
  }

  private warn(order: WorkOrder, warnings: readonly DeadlineWarningDetail[]): void {
    for (const warning of warnings) this.logger.warn(`Work order ${order.number}: ${warning.code} ${warning.year} — ${warning.message}`);
  }
}

function reminderAt(from: Date, dueAt: Date, preset: SlaPreset): Date {
  return new Date(from.getTime() + (dueAt.getTime() - from.getTime()) * preset.rules.reminderAt);
}

/** Bortala's extension is "as long as the original limit": the order's limit in working days. */
function originalWorkingDays(order: WorkOrder, calendar: WorkingDayCalendar): number {
  const limit: SlaDuration | null = order.handlingLimit;
  if (limit?.unit === 'working_days') return limit.amount;
  return Math.max(1, countWorkingDays(calendar, order.dispatchedAt!, order.handleDueAt!));
}

function mergeWarnings(existing: readonly DeadlineWarningDetail[], added: readonly DeadlineWarningDetail[]): DeadlineWarningDetail[] {
  const merged = [...existing];
  for (const warning of added) if (!merged.some((w) => w.code === warning.code && w.year === warning.year)) merged.push(warning);
  return merged;
}
