import { DynamicModule, Module } from '@nestjs/common';
import { CLOCK, SystemClock } from '@hotline/common';
import { AppConfig, ConfigModule } from '@hotline/config';
import { DatabaseModule } from '@hotline/database';
import { IvrModule } from '@hotline/ivr';
import { RecordingsModule } from '@hotline/recordings';
import { RedisCommandListener, RedisEventPublisher, RedisModule } from '@hotline/redis';
import { SlaModule } from '@hotline/sla';
import { TelephonyModule } from '@hotline/telephony';
import { AcdConfigRepository } from './acd/acd-config.repository';
import { AcdRecordRepository } from './acd/acd-record.repository';
import { AcdStateStore } from './acd/acd-state.store';
import { AcdReconciler } from './acd/acd.reconciler';
import { PromisedCallbackJournal } from './acd/promised-callback.journal';
import { AcdRebuildRepository } from './acd/acd-rebuild.repository';
import { AcdStateRebuilder } from './acd/acd-state.rebuilder';
import { AcdService } from './acd/acd.service';
import { AgentPresenceService } from './acd/agent-presence.service';
import { AgentSeatProvisioner } from './acd/agent-seat.provisioner';
import { QueueAnnouncer } from './acd/queue-announcer';
import { QueueStatsService } from './acd/queue-stats.service';
import { CallEventPublisher } from './calls/call-event.publisher';
import { CallLogRepository } from './calls/call-log.repository';
import { CallTimelineWriter } from './calls/call-timeline.writer';
import { CallSessionRegistry } from './calls/call-session.registry';
import { CallerProfileLoader } from './calls/caller-profile.loader';
import { CallSessionService } from './calls/call-session.service';
import { HotlineStasisHandler } from './calls/hotline-stasis.handler';
import { AsteriskRestartMonitor } from './health/asterisk-restart.monitor';
import { LostCallRepository } from './health/lost-call.repository';
import { CallControlCommandDispatcher } from './commands/call-control-command.dispatcher';
import { ConditionEvaluator } from './ivr/condition.evaluator';
import { IvrFlowCatalog } from './ivr/ivr-flow.catalog';
import { IvrStateStore } from './ivr/ivr-state.store';
import { IvrRunner } from './ivr/ivr.runner';
import { LineDirectory } from './ivr/line.directory';
import { PROGRESS_LOOKUP, WorkOrderProgressAdapter } from './ivr/progress-lookup.port';
import { PromptResolver } from './ivr/prompt.resolver';
import { spawnTtsCommand, TTS_COMMAND_RUNNER, TtsPromptService } from './ivr/tts-prompt.service';
import { VoiceMessageService } from './ivr/voice-message.service';
import { SlaWorkingDayAdapter, WORKING_DAYS } from './ivr/working-day.port';
import { RecordingControlService } from './recordings/recording-control.service';
import { RecordingFinaliser } from './recordings/recording-finaliser.service';
import { TransferService } from './transfers/transfer.service';
import { AgentTransferService } from './transfers/agent-transfer.service';
import { CallTransferRepository } from './transfers/call-transfer.repository';
import { TransferAllowList } from './transfers/transfer-allow-list';
import { TransferTrailRecorder } from './transfers/transfer-trail.recorder';
import { TransferTrailJournal } from './transfers/transfer-trail.journal';
import { TransferCommandHandler } from './transfers/transfer-command.handler';
import { SupervisionAuditRepository } from './supervision/supervision-audit.repository';
import { SupervisionCommandRegistrar } from './supervision/supervision-command.registrar';
import { SupervisionService } from './supervision/supervision.service';
import { SurveyCallAdmission } from './surveys/survey-call.admission';
import { SurveyCallCommandConsumer } from './surveys/survey-call-command.consumer';
import { SurveyCallEventsHandler } from './surveys/survey-call-events.handler';
import { SurveyCallService } from './surveys/survey-call.service';
import { ServiceRatingService } from './surveys/service-rating.service';
import { CallOrderDraftRepository } from './work-orders/call-order-draft.repository';
import { PgTransactionRunner, TransactionRunner, WorkOrderCallLinkService, WorkOrderRepository } from '@hotline/work-orders';

@Module({})
export class CallControlModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: CallControlModule,
      imports: [ConfigModule.forConfig(config), DatabaseModule, RedisModule, TelephonyModule, RecordingsModule, IvrModule, SlaModule],
      providers: [
        { provide: CLOCK, useClass: SystemClock },
        RedisEventPublisher,
        RedisCommandListener,
        CallEventPublisher,
        CallTimelineWriter,
        CallLogRepository,
        CallerProfileLoader,
        CallSessionRegistry,
        CallSessionService,
        HotlineStasisHandler,
        RecordingFinaliser,
        RecordingControlService,
        CallControlCommandDispatcher,
        // IVR
        { provide: TTS_COMMAND_RUNNER, useValue: spawnTtsCommand },
        TtsPromptService,
        PromptResolver,
        IvrFlowCatalog,
        IvrStateStore,
        IvrRunner,
        LineDirectory,
        ConditionEvaluator,
        { provide: WORKING_DAYS, useClass: SlaWorkingDayAdapter },
        { provide: PROGRESS_LOOKUP, useClass: WorkOrderProgressAdapter },
        VoiceMessageService,
        CallOrderDraftRepository,
        // Call ↔ work order: the link rule and the order's timeline entry (libs/work-orders), without pg-boss.
        { provide: TransactionRunner, useClass: PgTransactionRunner },
        WorkOrderRepository,
        WorkOrderCallLinkService,
        TransferService,
        AgentTransferService,
        CallTransferRepository,
        TransferAllowList,
        TransferTrailRecorder,
        TransferTrailJournal,
        TransferCommandHandler,
        // ACD
        AcdStateStore,
        AcdConfigRepository,
        AcdRecordRepository,
        AgentPresenceService,
        AgentSeatProvisioner,
        QueueAnnouncer,
        QueueStatsService,
        AcdService,
        AcdReconciler,
        PromisedCallbackJournal,
        AcdRebuildRepository,
        AcdStateRebuilder,
        // Supervision (issue 7)
        SupervisionAuditRepository,
        SupervisionService,
        SupervisionCommandRegistrar,
        // Voice surveys (issue 8)
        SurveyCallAdmission,
        SurveyCallService,
        ServiceRatingService,
        SurveyCallEventsHandler,
        SurveyCallCommandConsumer,
        // Health (issue 9)
        AsteriskRestartMonitor,
        LostCallRepository,
      ],
    };
  }
}
