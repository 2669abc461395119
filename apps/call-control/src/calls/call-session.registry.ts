import { Injectable } from '@nestjs/common';
import type { CallerProfile, HotlineLine } from '@hotline/ivr';
import type { CallChannelIo } from '../ivr/call-channel.io';

/** Where the call is: in the IVR, waiting in a queue, talking to an agent, transferred out, or over. */
/** rating: handed by the agent to the satisfaction prompt (转满意度评价) at the end of the call. */
export type CallPhase = 'ivr' | 'queue' | 'talk' | 'transfer' | 'rating' | 'done';

export interface CallSession {
  callId: string;
  channelId: string;
  /** e.g. PJSIP/carrier-00000001: AMI actions (MixMonitorMute) address channels by name, not id. */
  channelName: string;
  direction: 'inbound' | 'outbound';
  /** The citizen's number (caller ID inbound, the number dialled for a callback). */
  callerNumber: string | null;
  /** The number dialled (DNIS): 12345 or an integrated line; the citizen's number for outbound calls. */
  dialedNumber: string;
  startedAt: Date;
  answeredAt: Date | null;
  digitCount: number;
  /** From ChannelHangupRequest; StasisEnd, which closes the call, carries no cause of its own. */
  hangupCause: number | null;
  /** Store-relative path of the MixMonitor recording the dialplan started (null if none was started). */
  recordingPath: string | null;
  /** Playback, keys and recording of the caller's channel, as something the IVR and the ACD can await. */
  io: CallChannelIo;
  line: HotlineLine | null;
  phase: CallPhase;
  tags: Record<string, string>;
  /** The call's place in the ACD (its queue entry id) once queued. */
  entryId: string | null;
  /** The caller's lists and earlier calls, read once per call (IVR conditions and queue priority share it). */
  callerProfile?: Promise<CallerProfile>;
  /** Taken over from a process before this one: only such a call can have trail rows no process tracks. */
  readopted?: boolean;
}

/** Calls this process is handling right now, by the caller's channel id and by call id. */
@Injectable()
export class CallSessionRegistry {
  private readonly byChannel = new Map<string, CallSession>();
  private readonly byCall = new Map<string, CallSession>();

  add(session: CallSession): void {
    this.byChannel.set(session.channelId, session);
    this.byCall.set(session.callId, session);
  }

  get(channelId: string): CallSession | undefined {
    return this.byChannel.get(channelId);
  }

  byCallId(callId: string): CallSession | undefined {
    return this.byCall.get(callId);
  }

  findByPlayback(playbackId: string): CallSession | undefined {
    for (const session of this.byChannel.values()) if (session.io.isPlaying(playbackId)) return session;
    return undefined;
  }

  remove(channelId: string): void {
    const session = this.byChannel.get(channelId);
    this.byChannel.delete(channelId);
    if (session && this.byCall.get(session.callId) === session) this.byCall.delete(session.callId);
  }

  all(): CallSession[] {
    return [...this.byChannel.values()];
  }
}
