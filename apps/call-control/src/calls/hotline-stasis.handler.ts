import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { ARI_GATEWAY, AriGateway } from '@hotline/telephony';
import { AcdReconciler } from '../acd/acd.reconciler';
import { AsteriskRestartMonitor } from '../health/asterisk-restart.monitor';
import { RecordingFinaliser } from '../recordings/recording-finaliser.service';
import { SurveyCallService } from '../surveys/survey-call.service';
import { SupervisionService } from '../supervision/supervision.service';
import { VoiceMessageService } from '../ivr/voice-message.service';
import { CallSessionService } from './call-session.service';

/** Routes ARI events to the call service; no rules live here. */
@Injectable()
export class HotlineStasisHandler implements OnApplicationBootstrap {
  private readonly logger = new Logger(HotlineStasisHandler.name);

  constructor(
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly calls: CallSessionService,
    private readonly acd: AcdReconciler,
    private readonly finaliser: RecordingFinaliser,
    private readonly surveyCalls: SurveyCallService,
    private readonly asteriskRuns: AsteriskRestartMonitor,
    private readonly supervision: SupervisionService,
    private readonly messages: VoiceMessageService,
  ) {}

  onApplicationBootstrap(): void {
    this.ari.on('StasisStart', (event) => {
      // A citizen answered a survey call (appArgs `survey,<commandId>`): the survey call owns that channel.
      if (event.args[0] === 'survey') return void this.surveyCalls.answered(event.channel).catch((error: Error) => this.logger.error(`Survey channel ${event.channel.id}: ${error.message}`));
      // A supervisor's seat leg or a snoop on an agent's leg (appArgs `supervisor,…` / `supervisor-snoop,…`).
      if (this.supervision.owns(event.args)) return void this.supervision.channelEntered(event.channel, event.args);
      void this.calls.callArrived(event.channel, event.args);
    });
    this.ari.on('ChannelDtmfReceived', (event) => void this.calls.digitPressed(event.channel.id, event.digit));
    this.ari.on('PlaybackFinished', (event) => this.calls.playbackFinished(event.playback.id));
    this.ari.on('RecordingFinished', (event) => this.calls.recordingFinished(event.recording.name, true, event.recording.duration ?? null));
    this.ari.on('RecordingFailed', (event) => this.calls.recordingFinished(event.recording.name, false, null));
    this.ari.on('ChannelHangupRequest', (event) => this.calls.hangupRequested(event.channel.id, event.cause));
    this.ari.on('StasisEnd', (event) => this.calls.channelLeftApp(event.channel.id));
    this.ari.on('ChannelDestroyed', (event) => void this.calls.channelDestroyed(event.channel.id, { cause: event.cause, causeText: event.cause_txt }));
    // Supervision follows its own legs and the parties of supervised calls (either event may come first).
    this.ari.on('StasisEnd', (event) => this.supervision.channelGone(event.channel.id));
    this.ari.on('ChannelDestroyed', (event) => this.supervision.channelGone(event.channel.id));
    this.ari.onConnected(() => void this.reconcile());
  }

  private async reconcile(): Promise<void> {
    try {
      // First: calls lost in an Asterisk restart are closed as such (and alarmed) before anything re-adopts.
      // It waits for AMI, so the channels the rest reconciles with are listed after it.
      await this.asteriskRuns.connected(await this.ari.listChannels());
      const channels = await this.ari.listChannels();
      await this.acd.reconcile(channels);
      // Listed once for both: which caller talks with a transfer destination or a supervisor, who is in which bridge.
      const bridges = await this.ari.listBridges();
      await this.calls.reconcile(channels, bridges, this.config.ARI_APP);
      // After the calls: a supervisor leg is resumed on a call that is re-adopted.
      await this.supervision.reconcile(channels, bridges);
      this.acd.settled();
      const swept = await this.finaliser.sweep();
      if (swept > 0) this.logger.log(`Finalised ${swept} recording(s) of calls that ended while call-control was away`);
      await this.messages.fileLeftOver();
    } catch (error) {
      this.logger.error(`Reconciling channels after connect failed: ${(error as Error).message}`, (error as Error).stack);
    } finally {
      this.acd.settled();
    }
  }
}
