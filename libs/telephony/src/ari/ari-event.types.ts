/** The parts of ARI's event JSON that the product reads (Asterisk 22 ARI, see ari/events.json). */
export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller: { name: string; number: string };
  connected: { name: string; number: string };
  /** app_name/app_data name the application the channel is in, e.g. Stasis with "hotline,inbound,12345". */
  dialplan: { context: string; exten: string; priority: number; app_name?: string; app_data?: string };
  language?: string;
  creationtime: string;
}

interface AriEventBase {
  type: string;
  application: string;
  timestamp: string;
}

export interface StasisStartEvent extends AriEventBase {
  type: 'StasisStart';
  args: string[];
  channel: AriChannel;
  replace_channel?: AriChannel;
}

export interface StasisEndEvent extends AriEventBase {
  type: 'StasisEnd';
  channel: AriChannel;
}

export interface ChannelDtmfReceivedEvent extends AriEventBase {
  type: 'ChannelDtmfReceived';
  digit: string;
  duration_ms: number;
  channel: AriChannel;
}

export interface ChannelHangupRequestEvent extends AriEventBase {
  type: 'ChannelHangupRequest';
  cause?: number;
  soft?: boolean;
  channel: AriChannel;
}

export interface ChannelDestroyedEvent extends AriEventBase {
  type: 'ChannelDestroyed';
  cause: number;
  cause_txt: string;
  channel: AriChannel;
}

export interface PlaybackFinishedEvent extends AriEventBase {
  type: 'PlaybackFinished';
  playback: { id: string; media_uri: string; target_uri: string; state: string };
}

export interface AriLiveRecording {
  name: string;
  format: string;
  state: string;
  target_uri: string;
  duration?: number;
  cause?: string;
}

export interface RecordingFinishedEvent extends AriEventBase {
  type: 'RecordingFinished';
  recording: AriLiveRecording;
}

export interface RecordingFailedEvent extends AriEventBase {
  type: 'RecordingFailed';
  recording: AriLiveRecording;
}

export interface AriBridge {
  id: string;
  technology: string;
  bridge_type: string;
  bridge_class: string;
  channels: string[];
  creationtime: string;
}

export interface AriEventMap {
  StasisStart: StasisStartEvent;
  StasisEnd: StasisEndEvent;
  ChannelDtmfReceived: ChannelDtmfReceivedEvent;
  ChannelHangupRequest: ChannelHangupRequestEvent;
  ChannelDestroyed: ChannelDestroyedEvent;
  PlaybackFinished: PlaybackFinishedEvent;
  RecordingFinished: RecordingFinishedEvent;
  RecordingFailed: RecordingFailedEvent;
}

export type AriEventType = keyof AriEventMap;
