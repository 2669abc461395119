import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ARI_GATEWAY, AriGateway } from '@hotline/telephony';
import { SurveyCallService } from './survey-call.service';

/**
 * Routes ARI events of survey channels to SurveyCallService (StasisStart comes through HotlineStasisHandler,
 * which routes by appArgs `survey,<commandId>`). Events of other channels are ignored by the service.
 */
@Injectable()
export class SurveyCallEventsHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    private readonly calls: SurveyCallService,
  ) {}

  onApplicationBootstrap(): void {
    this.ari.on('ChannelDtmfReceived', (event) => this.calls.digitPressed(event.channel.id, event.digit));
    this.ari.on('PlaybackFinished', (event) => this.calls.playbackFinished(event.playback.id));
    this.ari.on('RecordingFinished', (event) => this.calls.recordingFinished(event.recording.name, true, event.recording.duration ?? null));
    this.ari.on('RecordingFailed', (event) => this.calls.recordingFinished(event.recording.name, false, null));
    this.ari.on('StasisEnd', (event) => this.calls.channelEnded(event.channel.id, null));
    this.ari.on('ChannelDestroyed', (event) => this.calls.channelEnded(event.channel.id, event.cause));
  }
}
