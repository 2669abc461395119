import { Injectable } from '@nestjs/common';
import { Actor } from '@hotline/org';
import { FollowUpCause, TransactionRunner, WorkOrderLifecycleService } from '@hotline/work-orders';
import { FollowUpAlreadyClassifiedError, FollowUpNotFoundError } from './survey.errors';
import { SurveyRepository } from './survey.repository';
import { FollowUpCauseKind, FollowUpTask } from './survey.types';

export interface FollowUpClassification {
  cause: FollowUpCauseKind;
  notes: string;
}

/**
 * Quality staff's manual follow-up (人工回访) after a dissatisfied rating: they ask the citizen why and
 * classify the cause. Policy or objective limits end it with the rating standing; the unit's handling
 * reopens the order (重办), and the survey of its next round replaces the rating (Bortala 第十七、十八条).
 * Both go through the lifecycle's commands, whose hook records the classification in the same transaction.
 */
@Injectable()
export class FollowUpService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: SurveyRepository,
    private readonly lifecycle: WorkOrderLifecycleService,
  ) {}

  list(status: 'open' | 'classified' | null): Promise<FollowUpTask[]> {
    return this.repository.followUps(this.transactions.sql(), status);
  }

  async classify(actor: Actor, id: string, input: FollowUpClassification): Promise<FollowUpTask> {
    const sql = this.transactions.sql();
    const task = await this.repository.followUp(sql, id);
    if (!task) throw new FollowUpNotFoundError(id);
    if (task.status === 'classified') throw new FollowUpAlreadyClassifiedError(id, task.cause ?? 'unknown');
    const order = await this.repository.orderInfo(sql, task.orderId);
    if (input.cause === FollowUpCauseKind.Handling) {
      await this.lifecycle.reopen(actor, task.orderId, order.version, { reason: input.notes });
    } else {
      const cause = input.cause === FollowUpCauseKind.Policy ? FollowUpCause.Policy : FollowUpCause.Objective;
      await this.lifecycle.concludeFollowUp(actor, task.orderId, order.version, { cause, notes: input.notes });
    }
    return (await this.repository.followUp(sql, id))!;
  }
}
