import { Injectable } from '@nestjs/common';

export interface CallSession {
  callId: string;
  channelId: string;
  startedAt: Date;
  digitCount: number;
  playbackId: string | null;
  hangupAfterPlayback: boolean;
  /** From ChannelHangupRequest; StasisEnd, which closes the call, carries no cause of its own. */
  hangupCause: number | null;
}

/** Calls this process is handling right now, by the caller's channel id. */
@Injectable()
export class CallSessionRegistry {
  private readonly byChannel = new Map<string, CallSession>();

  add(session: CallSession): void {
    this.byChannel.set(session.channelId, session);
  }

  get(channelId: string): CallSession | undefined {
    return this.byChannel.get(channelId);
  }

  findByPlayback(playbackId: string): CallSession | undefined {
    for (const session of this.byChannel.values()) if (session.playbackId === playbackId) return session;
    return undefined;
  }

  remove(channelId: string): void {
    this.byChannel.delete(channelId);
  }

  all(): CallSession[] {
    return [...this.byChannel.values()];
  }
}
