import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { ARI_GATEWAY, AriGateway } from '@hotline/telephony';
import { CallSessionService } from './call-session.service';

/** Routes ARI events to the call service; no rules live here. */
@Injectable()
export class HotlineStasisHandler implements OnApplicationBootstrap {
  private readonly logger = new Logger(HotlineStasisHandler.name);

  constructor(
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly calls: CallSessionService,
  ) {}

  onApplicationBootstrap(): void {
    this.ari.on('StasisStart', (event) => void this.calls.callArrived(event.channel, event.args));
    this.ari.on('ChannelDtmfReceived', (event) => void this.calls.digitPressed(event.channel.id, event.digit));
    this.ari.on('PlaybackFinished', (event) => void this.calls.playbackFinished(event.playback.id));
    this.ari.on('ChannelHangupRequest', (event) => this.calls.hangupRequested(event.channel.id, event.cause));
    this.ari.on('StasisEnd', (event) => this.calls.channelLeftApp(event.channel.id));
    this.ari.on('ChannelDestroyed', (event) =>
      void this.calls.callEnded(event.channel.id, { cause: event.cause, causeText: event.cause_txt }),
    );
    this.ari.onConnected(() => void this.reconcile());
  }

  private async reconcile(): Promise<void> {
    try {
      await this.calls.reconcile(await this.ari.listChannels(), this.config.ARI_APP);
    } catch (error) {
      this.logger.error(`Reconciling channels after connect failed: ${(error as Error).message}`);
    }
  }
}
