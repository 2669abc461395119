import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { DELIVERED, InboundSms } from '@hotline/sms';
import { SurveyChannel, TransactionRunner } from '@hotline/work-orders';
import { SurveyAttemptHandler } from './survey-attempt.handler';
import { interpretSmsReply, normalisePhone } from './survey-rating-scale';
import { SurveyResultService } from './survey-result.service';
import { SurveyRepository } from './survey.repository';
import { AttemptStatus, SkipReason, SurveyStatus } from './survey.types';

/**
 * MO replies and delivery receipts from the SMSC. A reply is matched to the open survey that asked that
 * number by SMS; every inbound SMS is stored with what became of it, matched or not.
 */
@Injectable()
export class SmsInboundHandler {
  private readonly logger = new Logger(SmsInboundHandler.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: SurveyRepository,
    private readonly results: SurveyResultService,
    private readonly attempts: SurveyAttemptHandler,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(sms: InboundSms): Promise<void> {
    if (sms.kind === 'receipt') return this.receipt(sms);
    const now = this.clock.now();
    const phone = normalisePhone(sms.from);
    const reply = interpretSmsReply(sms.text);
    const survey = await this.repository.openSmsSurveyForPhone(this.transactions.sql(), phone);
    let outcome: string;
    if (reply.kind === 'opt_out') {
      await this.transactions.run(async (tx) => {
        await this.repository.optOut(tx, phone, now, 'sms_reply');
        if (survey) await this.repository.setSurveyStatus(tx, survey.id, SurveyStatus.Skipped, now, { skipReason: SkipReason.OptedOut });
      });
      outcome = 'opted_out';
    } else if (!survey) {
      outcome = 'no_open_survey';
    } else if (reply.kind === 'unrecognised') {
      outcome = 'unrecognised';
    } else {
      outcome = await this.results.rate(survey, reply.digit, SurveyChannel.Sms);
    }
    await this.transactions.run((tx) =>
      this.repository.recordInbound(tx, { source: phone, destination: sms.to, text: sms.text, at: now, surveyId: survey?.id ?? null, outcome }),
    );
    this.logger.log(`SMS reply ${survey ? `for survey ${survey.id}` : 'with no open survey'}: ${outcome}`);
  }

  private async receipt(sms: Extract<InboundSms, { kind: 'receipt' }>): Promise<void> {
    const now = this.clock.now();
    await this.transactions.run(async (tx) => {
      const attempt = await this.repository.recordReceipt(tx, sms.receipt.messageId, sms.receipt.status, sms.receipt.error, now);
      if (!attempt) {
        this.logger.warn(`Receipt for unknown SMS ${sms.receipt.messageId} (${sms.receipt.status})`);
        return;
      }
      if (sms.receipt.status === DELIVERED || sms.receipt.status === 'ACCEPTD') return;
      // The citizen never saw the question: try the next attempt now rather than after the reply wait.
      const survey = await this.repository.lockSurvey(tx, attempt.surveyId);
      if (!survey || (survey.status !== SurveyStatus.Scheduled && survey.status !== SurveyStatus.InProgress)) return;
      await this.repository.setAttemptStatus(tx, attempt.attemptId, AttemptStatus.Failed, now, `receipt ${sms.receipt.status}`);
      await this.attempts.scheduleNext(tx, survey, attempt.attemptNo, now, now);
      this.logger.warn(`SMS of survey ${survey.id} attempt ${attempt.attemptNo} not delivered (${sms.receipt.status}); next attempt brought forward`);
    });
  }
}
