import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { CLOCK, Clock } from '@hotline/common';
import { COMMAND_STREAM_FIELD, parseSurveyCallResult, SurveyCallResult, surveyCallResultStream } from '@hotline/realtime';
import { ensureConsumerGroup, isMissingConsumerGroup, REDIS_CLIENT } from '@hotline/redis';
import { SurveyChannel, TransactionRunner } from '@hotline/work-orders';
import type Redis from 'ioredis';
import { SurveyResultService } from './survey-result.service';
import { SurveyRepository } from './survey.repository';
import { AttemptStatus } from './survey.types';

const GROUP = 'surveys';

const ATTEMPT_STATUS: Record<SurveyCallResult['outcome'], AttemptStatus> = {
  rated: AttemptStatus.Answered,
  no_answer: AttemptStatus.NoAnswer,
  busy: AttemptStatus.Busy,
  failed: AttemptStatus.Failed,
  hung_up: AttemptStatus.NoAnswer,
  no_input: AttemptStatus.NoAnswer,
};

/**
 * Reads call-control's survey call results from their stream (consumer group `surveys`), applies each and
 * only then acknowledges it: a worker that dies mid-way gets the entry again on restart (pending entries
 * are read first). Applying twice is harmless: an answered attempt or a rated survey is left alone.
 */
@Injectable()
export class SurveyCallResultConsumer {
  private readonly logger = new Logger(SurveyCallResultConsumer.name);
  private reader: Redis | null = null;
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: TransactionRunner,
    private readonly repository: SurveyRepository,
    private readonly results: SurveyResultService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async start(consumer: string): Promise<void> {
    const stream = surveyCallResultStream(this.config.REDIS_PREFIX);
    await ensureConsumerGroup(this.redis, stream, GROUP);
    // Blocking reads need their own connection, or they would stall every other command.
    this.reader = this.redis.duplicate();
    this.running = true;
    this.loop = this.run(stream, consumer);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.reader?.disconnect();
    await this.loop;
    this.reader = null;
  }

  private async run(stream: string, consumer: string): Promise<void> {
    let backlog = true; // first our own pending entries (delivered before a crash, never acknowledged)
    let groupLost = false;
    while (this.running) {
      try {
        if (groupLost) {
          await ensureConsumerGroup(this.redis, stream, GROUP);
          groupLost = false;
          backlog = true;
        }
        const reply = (await this.reader!.xreadgroup('GROUP', GROUP, consumer, 'COUNT', 20, 'BLOCK', 2000, 'STREAMS', stream, backlog ? '0' : '>')) as
          | [string, [string, string[]][]][]
          | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (backlog && entries.length === 0) backlog = false;
        for (const [entryId, fields] of entries) {
          await this.apply(fields);
          await this.redis.xack(stream, GROUP, entryId);
        }
      } catch (error) {
        if (!this.running) return;
        if (isMissingConsumerGroup(error)) {
          this.logger.warn(`Redis lost the survey result stream (restarted empty?): creating group ${GROUP} again`);
          groupLost = true;
          continue;
        }
        this.logger.error(`Reading survey call results failed: ${(error as Error).message}`, (error as Error).stack);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** Exposed for the worker and tests: one result, validated as untrusted input. */
  async apply(fields: string[]): Promise<void> {
    const index = fields.indexOf(COMMAND_STREAM_FIELD);
    let result: SurveyCallResult;
    try {
      result = parseSurveyCallResult(index >= 0 ? fields[index + 1] : '');
    } catch (error) {
      // A malformed entry can never succeed: log it and let it be acknowledged.
      this.logger.error(`Dropped a survey call result: ${(error as Error).message}`);
      return;
    }
    const now = this.clock.now();
    const attempt = await this.transactions.run(async (tx) => {
      const found = await this.repository.attemptById(tx, result.attemptId);
      if (!found || found.surveyId !== result.surveyId || found.status !== AttemptStatus.Dialing) return null;
      await this.repository.setAttemptStatus(tx, found.id, ATTEMPT_STATUS[result.outcome], now);
      return found;
    });
    if (!attempt || result.outcome !== 'rated') return;
    const survey = await this.repository.findSurvey(this.transactions.sql(), result.surveyId);
    if (!survey) return;
    const outcome = await this.results.rate(survey, result.digit!, SurveyChannel.VoiceCallback);
    this.logger.log(`Survey call ${result.commandId}: digit ${result.digit} → ${outcome}`);
  }
}
