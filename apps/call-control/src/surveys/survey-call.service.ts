import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { CLOCK, Clock } from '@hotline/common';
import type { OutboundCallCommand, SurveyCallOutcome, SurveyCallResult } from '@hotline/realtime';
import { ARI_GATEWAY, AriChannel, AriGateway, isAriResourceGone } from '@hotline/telephony';
import { CallChannelIo, CallEndedError } from '../ivr/call-channel.io';
import { PromptResolver } from '../ivr/prompt.resolver';
import { SurveyCallPrompts } from './survey-call.prompts';

type SurveyCallCommand = OutboundCallCommand<'survey.call'>;

/** How the ringing phase ended: the citizen picked up, or the channel went away with a Q.850 cause. */
type RingOutcome = { answered: true } | { answered: false; cause: number | null };

interface LiveSurveyCall {
  commandId: string;
  io: CallChannelIo;
  ringing: ((outcome: RingOutcome) => void) | null;
}

/** A call the carrier never settles (no answer, no failure) is given up this long after its ring time. */
const RING_GUARD_SECONDS = 15;
/** A conversation that is still going after this long is cut (a lost PlaybackFinished must not hold a line). */
const MAX_CONVERSATION_MS = 10 * 60_000;
const COMMENT_MAX_SECONDS = 30;

const USER_BUSY = 17;
const NO_ANSWER_CAUSES = new Set([18, 19, 20]);

/** The recorded prompts of one call, synthesised before dialling: a TTS fault fails the command, not the citizen. */
interface SurveyCallMedia {
  intro: string[];
  options: string[];
  noInput: string[];
  invalidKey: string[];
  commentInvite: string[];
  thanks: string[];
  goodbyeUnrated: string[];
}

/**
 * One automated survey call (回访): dial the citizen through the carrier trunk with the hotline's caller id,
 * and once they answer, name the order's subject, read the options, collect one key (re-prompting on no
 * input or an invalid key up to maxPrompts), optionally record a comment, thank them and hang up. Resolves
 * with the one SurveyCallResult of the command; never redials (retries are the survey side's).
 */
@Injectable()
export class SurveyCallService {
  private readonly logger = new Logger(SurveyCallService.name);
  private readonly calls = new Map<string, LiveSurveyCall>();

  constructor(
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly prompts: PromptResolver,
  ) {}

  /** Channel ids of survey calls up or ringing on this node. */
  liveChannels(): string[] {
    return [...this.calls.keys()];
  }

  async place(command: SurveyCallCommand, channelId: string): Promise<SurveyCallResult> {
    const { payload } = command;
    let media: SurveyCallMedia;
    try {
      media = await this.mediaFor(command);
    } catch (error) {
      this.logger.error(`Survey call ${command.id}: prompts could not be made, not dialling: ${(error as Error).message}`);
      return this.result(command, 'failed');
    }
    const call: LiveSurveyCall = { commandId: command.id, io: new CallChannelIo(this.ari, channelId), ringing: null };
    const ring = new Promise<RingOutcome>((resolve) => (call.ringing = resolve));
    // Registered before originate: the channel's events can arrive before the request returns.
    this.calls.set(channelId, call);
    try {
      await this.ari.originate({
        endpoint: this.config.OUTBOUND_ENDPOINT_TEMPLATE.replace('{number}', payload.destination),
        channelId,
        callerId: payload.callerId,
        timeoutSeconds: payload.ringSeconds,
        appArgs: `survey,${command.id}`,
      });
    } catch (error) {
      this.calls.delete(channelId);
      this.logger.warn(`Survey call ${command.id} to ${payload.destination} could not be placed: ${(error as Error).message}`);
      return this.result(command, 'failed');
    }
    const guard = setTimeout(() => {
      this.logger.warn(`Survey call ${command.id}: no answer nor failure ${payload.ringSeconds + RING_GUARD_SECONDS} s after dialling; giving up`);
      call.ringing?.({ answered: false, cause: null });
      void this.hangup(channelId);
    }, (payload.ringSeconds + RING_GUARD_SECONDS) * 1000);
    const rang = await ring;
    clearTimeout(guard);
    if (!rang.answered) {
      this.calls.delete(channelId);
      const outcome: SurveyCallOutcome = rang.cause === USER_BUSY ? 'busy' : rang.cause !== null && NO_ANSWER_CAUSES.has(rang.cause) ? 'no_answer' : 'failed';
      this.logger.log(`Survey call ${command.id} to ${payload.destination} not answered (cause ${rang.cause ?? 'none'}): ${outcome}`);
      return this.result(command, outcome);
    }
    const cutoff = setTimeout(() => {
      this.logger.warn(`Survey call ${command.id} still up after ${MAX_CONVERSATION_MS / 1000} s; hanging up`);
      void this.hangup(channelId);
    }, MAX_CONVERSATION_MS);
    try {
      return await this.converse(command, call.io, media);
    } finally {
      clearTimeout(cutoff);
      this.calls.delete(channelId);
      if (!call.io.ended) await this.hangup(channelId);
    }
  }

  /** StasisStart of a survey channel: the citizen answered. */
  async answered(channel: AriChannel): Promise<void> {
    const call = this.calls.get(channel.id);
    if (!call) {
      // A survey channel this process did not place (left over from before a restart): nobody will talk to it.
      this.logger.warn(`Survey channel ${channel.id} is not one of this node's calls; hanging up`);
      await this.hangup(channel.id);
      return;
    }
    // Keeps ChannelDestroyed coming (with the cause of the citizen's hangup) once the channel leaves Stasis.
    await this.ari.subscribeToChannel(channel.id);
    call.ringing?.({ answered: true });
    call.ringing = null;
  }

  digitPressed(channelId: string, digit: string): void {
    this.calls.get(channelId)?.io.digit(digit);
  }

  playbackFinished(playbackId: string): void {
    for (const call of this.calls.values()) if (call.io.playbackFinished(playbackId)) return;
  }

  recordingFinished(name: string, ok: boolean, durationSeconds: number | null): void {
    for (const call of this.calls.values()) if (call.io.recordingFinished(name, ok, durationSeconds)) return;
  }

  /** The channel is gone (ChannelDestroyed, or it left the app): before the answer this is the call's outcome. */
  channelEnded(channelId: string, cause: number | null): void {
    const call = this.calls.get(channelId);
    if (!call) return;
    if (call.ringing) {
      call.ringing({ answered: false, cause });
      call.ringing = null;
    }
    call.io.end();
  }

  /** Shutting down: every wait ends now (the commands stay pending and are settled after the restart). */
  abandonAll(): void {
    for (const [channelId, call] of this.calls) {
      call.ringing?.({ answered: false, cause: null });
      call.ringing = null;
      call.io.end();
      this.calls.delete(channelId);
    }
  }

  async hangup(channelId: string): Promise<void> {
    try {
      await this.ari.hangup(channelId);
    } catch (error) {
      // The citizen may have hung up a moment before: the call is over either way.
      if (!isAriResourceGone(error)) this.logger.warn(`Hanging up survey channel ${channelId}: ${(error as Error).message}`);
    }
  }

  result(command: SurveyCallCommand, outcome: SurveyCallOutcome, digit: string | null = null, commentRecordingRef: string | null = null): SurveyCallResult {
    return {
      commandId: command.id,
      surveyId: command.payload.surveyId,
      attemptId: command.payload.attemptId,
      outcome,
      digit,
      commentRecordingRef,
      endedAt: this.clock.now().toISOString(),
    };
  }

  private async converse(command: SurveyCallCommand, io: CallChannelIo, media: SurveyCallMedia): Promise<SurveyCallResult> {
    const { payload } = command;
    const valid = new Set(payload.options.map((option) => option.digit));
    let digit: string | null = null;
    try {
      let lead = media.intro;
      for (let round = 1; round <= Math.max(1, payload.maxPrompts) && digit === null; round += 1) {
        await io.play([...lead, ...media.options], { interruptible: true });
        const read = await io.readDigits({ maxDigits: 1, firstTimeoutMs: payload.noInputSeconds * 1000, interDigitTimeoutMs: 1 });
        if (read.digits !== '' && valid.has(read.digits)) {
          digit = read.digits;
        } else {
          lead = read.digits === '' ? media.noInput : media.invalidKey;
          this.logger.log(`Survey call ${command.id}: ${read.digits === '' ? 'no input' : `invalid key ${read.digits}`} (prompt ${round}/${payload.maxPrompts})`);
        }
      }
      if (digit === null) {
        await io.play(media.goodbyeUnrated, { interruptible: false });
        return this.result(command, 'no_input');
      }
      this.logger.log(`Survey call ${command.id}: rated ${digit}`);
      const comment = payload.recordComment ? await this.recordComment(command, io, media) : null;
      await io.play(media.thanks, { interruptible: false });
      return this.result(command, 'rated', digit, comment);
    } catch (error) {
      const gone = error instanceof CallEndedError || isAriResourceGone(error);
      // A rating given stays given, whatever happens after the key.
      if (digit !== null) {
        if (!gone) this.logger.warn(`Survey call ${command.id} after the rating: ${(error as Error).message}`);
        return this.result(command, 'rated', digit);
      }
      if (gone) {
        this.logger.log(`Survey call ${command.id}: the citizen hung up before rating`);
        return this.result(command, 'hung_up');
      }
      this.logger.error(`Survey call ${command.id} failed: ${(error as Error).message}`, (error as Error).stack);
      return this.result(command, 'failed');
    }
  }

  /** ARI channel recording into the store's messages/ folder (as IVR messages); null when nothing was said. */
  private async recordComment(command: SurveyCallCommand, io: CallChannelIo, media: SurveyCallMedia): Promise<string | null> {
    await io.play(media.commentInvite, { interruptible: false });
    const day = this.clock.now().toISOString().slice(0, 10).replace(/-/g, '');
    const name = `${day}/survey-${command.payload.attemptId}`;
    const recorded = await io.recordMessage({ name, maxDurationSeconds: COMMENT_MAX_SECONDS, maxSilenceSeconds: 5, beep: true, terminateOn: '#' });
    return recorded.ok && (recorded.durationSeconds ?? 0) > 0 ? `messages/${name}.wav` : null;
  }

  private async mediaFor(command: SurveyCallCommand): Promise<SurveyCallMedia> {
    const { payload } = command;
    const one = (text: string) => this.prompts.media({ tts: text });
    const [intro, options, noInput, invalidKey, commentInvite, thanks, goodbyeUnrated] = await Promise.all([
      one(SurveyCallPrompts.intro(payload.callerId, payload.subject)),
      one(SurveyCallPrompts.options(payload.options)),
      one(SurveyCallPrompts.noInput),
      one(SurveyCallPrompts.invalidKey),
      payload.recordComment ? one(SurveyCallPrompts.commentInvite) : Promise.resolve([]),
      one(SurveyCallPrompts.thanks),
      one(SurveyCallPrompts.goodbyeUnrated),
    ]);
    return { intro, options, noInput, invalidKey, commentInvite, thanks, goodbyeUnrated };
  }
}
