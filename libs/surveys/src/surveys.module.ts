import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { SmsModule } from '@hotline/sms';
import { WorkOrdersModule } from '@hotline/work-orders';
import { FollowUpService } from './follow-up.service';
import { SmsInboundHandler } from './sms-inbound.handler';
import { SurveyAttemptHandler } from './survey-attempt.handler';
import { SurveyCallResultConsumer } from './survey-call-result.consumer';
import { SurveyCoverageService } from './survey-coverage.service';
import { SURVEY_POLICIES } from './survey-policies.data';
import { SURVEY_POLICY_DATA, SurveyPolicyCatalog } from './survey-policy.catalog';
import { SurveyQueueInitializer } from './survey-queue.initializer';
import { SurveyReconciler } from './survey.reconciler';
import { SurveyRepository } from './survey.repository';
import { SurveyResultService } from './survey-result.service';
import { SurveyScheduler } from './survey.scheduler';
import { SURVEY_WORKER_OPTIONS, SurveyWorker, SurveyWorkerOptions } from './survey.worker';
import { RedisStreamVoiceSurveyDialer, VoiceSurveyDialer } from './voice-survey.dialer';

/**
 * Satisfaction surveys (回访, 好差评): scheduling on the work-order lifecycle's hook, the attempts by SMS
 * (SMPP) and voice (call-control), results back onto the order, follow-ups and the coverage report.
 * Needs APP_CONFIG, a DataSource and REDIS_CLIENT from the root, like WorkOrdersModule.
 */
@Module({
  imports: [WorkOrdersModule, SmsModule],
  providers: [
    { provide: SURVEY_POLICY_DATA, useValue: SURVEY_POLICIES },
    SurveyPolicyCatalog,
    { provide: VoiceSurveyDialer, useClass: RedisStreamVoiceSurveyDialer },
    {
      provide: SURVEY_WORKER_OPTIONS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): SurveyWorkerOptions => ({ enabled: true, pollingIntervalSeconds: config.SURVEY_POLL_SECONDS }),
    },
    SurveyRepository,
    SurveyQueueInitializer,
    SurveyScheduler,
    SurveyAttemptHandler,
    SurveyResultService,
    SmsInboundHandler,
    SurveyCallResultConsumer,
    SurveyReconciler,
    SurveyWorker,
    FollowUpService,
    SurveyCoverageService,
  ],
  exports: [FollowUpService, SurveyCoverageService, SurveyScheduler, SurveyAttemptHandler, SurveyReconciler, SurveyCallResultConsumer],
})
export class SurveysModule {}
