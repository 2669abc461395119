import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { CLOCK, Clock, DomainError, DomainErrorKind } from '@hotline/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { REDIS_CLIENT } from '@hotline/redis';
import type { CallServiceRatedPayload, HotlineCommandPayloads } from '@hotline/realtime';
import { ARI_GATEWAY, AriGateway, NORMAL_CLEARING, isAriResourceGone } from '@hotline/telephony';
import { AcdService } from '../acd/acd.service';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallSession, CallSessionRegistry } from '../calls/call-session.registry';
import { CallControlCommandDispatcher } from '../commands/call-control-command.dispatcher';
import { CallEndedError } from '../ivr/call-channel.io';
import { PromptResolver } from '../ivr/prompt.resolver';
import { SurveyCallPrompts } from './survey-call.prompts';

/** The service rating's scale: three keys, as the caller hears them. */
const LEVELS: Record<string, NonNullable<CallServiceRatedPayload['level']>> = { '1': 'satisfied', '2': 'basically_satisfied', '3': 'dissatisfied' };
const PROMPTS = {
  intro: '请您对本次通话服务进行评价。',
  options: '满意请按一,基本满意请按二,不满意请按三。',
  goodbye: '感谢您的来电,再见。',
} as const;
const ROUNDS = 2;
const NO_INPUT_MS = 6_000;
/** How long a rating in progress is remembered for a restarted call-control (a rating takes well under a minute). */
const MARKER_MS = 30 * 60_000;

/** What a restarted call-control finds in Redis about a caller handed to the rating. */
interface RatingMarker {
  agentId: string;
  /** The rating (or its absence) is in the timeline already: only the goodbye was left. */
  recorded: boolean;
}

export class ServiceRatingRefusedError extends DomainError {
  constructor(
    code: 'SERVICE_RATING_CALL_NOT_CONNECTED' | 'SERVICE_RATING_NOT_YOUR_CALL',
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(code, message);
  }
}

interface RatingMedia {
  prompt: string[];
  noInput: string[];
  invalidKey: string[];
  thanks: string[];
  goodbye: string[];
}

/**
 * 转满意度评价: at the end of a call the agent hands the caller to a satisfaction prompt instead of hanging up.
 * The caller leaves the agent's bridge, the agent goes to wrap-up (as after a completed transfer), and the
 * caller rates the service by key (1 satisfied, 2 basically, 3 dissatisfied; re-prompted once on no or a
 * wrong key), hears thanks and is hung up. The outcome is a `call.service-rated` event in the call's timeline.
 * A marker in Redis (`<prefix>:service-rating:<callId>`) lets a restarted call-control take the caller back to
 * the rating instead of the queue (see readopt).
 */
@Injectable()
export class ServiceRatingService implements OnModuleInit {
  private readonly logger = new Logger(ServiceRatingService.name);
  private readonly markerPrefix: string;

  constructor(
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly dispatcher: CallControlCommandDispatcher,
    private readonly sessions: CallSessionRegistry,
    private readonly acd: AcdService,
    private readonly prompts: PromptResolver,
    private readonly calls: CallLogRepository,
    private readonly events: CallEventPublisher,
  ) {
    this.markerPrefix = `${config.REDIS_PREFIX}:service-rating:`;
  }

  onModuleInit(): void {
    this.dispatcher.onCall('call.rate-service', (request) => this.start(request));
  }

  /** Null when this process does not hold the call; refused when it is not with an agent, or not the agent's. */
  async start(request: HotlineCommandPayloads['call.rate-service']): Promise<Record<string, unknown> | null> {
    const session = this.sessions.byCallId(request.callId);
    if (!session) return null;
    const talk = await this.acd.talkOf(session);
    if (!talk) throw new ServiceRatingRefusedError('SERVICE_RATING_CALL_NOT_CONNECTED', DomainErrorKind.Conflict, `Call ${request.callId} is not connected to an agent`);
    if (request.agentId && talk.agentId !== request.agentId) throw new ServiceRatingRefusedError('SERVICE_RATING_NOT_YOUR_CALL', DomainErrorKind.Forbidden, `Call ${request.callId} is not connected to you`);
    // Made first: if the prompts cannot be synthesised the call stays as it is, with the agent.
    const media = await this.media();
    // Before the caller leaves the agent: from here on a restart must bring them back to the rating.
    await this.mark(session.callId, { agentId: talk.agentId, recorded: false });
    try {
      await this.ari.removeFromBridge(talk.bridgeId, [session.channelId]);
      await this.acd.handOver(session);
    } catch (error) {
      // Still with the agent (or gone): no rating to come back to.
      await this.forget(session.callId);
      throw error;
    }
    session.phase = 'rating';
    this.logger.log(`Call ${session.callId}: ${request.requestedBy} handed the caller to the service rating`);
    void this.converse(session, talk.agentId, media);
    return { callId: session.callId, state: 'rating' };
  }

  /**
   * After a call-control restart (Asterisk sends no new StasisStart): a caller who was rating the service is
   * asked again from the start - a key pressed while no process listened was lost - or, when the rating was
   * already recorded, hung up. False when the caller was not in the rating.
   */
  async readopt(session: CallSession): Promise<boolean> {
    const raw = await this.redis.get(this.markerPrefix + session.callId);
    if (!raw) return false;
    const marker = JSON.parse(raw) as RatingMarker;
    session.phase = 'rating';
    this.logger.log(`Call ${session.callId}: back to the service rating after a restart${marker.recorded ? ' (already rated: hanging up)' : ''}`);
    if (marker.recorded) {
      await this.finish(session);
      return true;
    }
    let media: RatingMedia;
    try {
      media = await this.media();
    } catch (error) {
      // Without prompts there is no rating to ask for: the caller is let go rather than left in silence.
      this.logger.error(`Service rating of call ${session.callId} cannot resume: ${(error as Error).message}`);
      await this.recorded(session, marker.agentId, 'no_input', null);
      await this.finish(session);
      return true;
    }
    void this.converse(session, marker.agentId, media);
    return true;
  }

  private async converse(session: CallSession, agentId: string, media: RatingMedia): Promise<void> {
    let digit: string | null = null;
    let recorded = false;
    // Keys pressed while talking to the agent (a card number read out, say) are not a rating.
    session.io.clearDigits();
    try {
      let lead: string[] = [];
      for (let round = 1; round <= ROUNDS && digit === null; round += 1) {
        await session.io.play([...lead, ...media.prompt], { interruptible: true });
        const read = await session.io.readDigits({ maxDigits: 1, firstTimeoutMs: NO_INPUT_MS, interDigitTimeoutMs: 1 });
        if (LEVELS[read.digits]) digit = read.digits;
        else lead = read.digits === '' ? media.noInput : media.invalidKey;
      }
      await this.recorded(session, agentId, digit === null ? 'no_input' : 'rated', digit);
      recorded = true;
      await session.io.play(digit === null ? media.goodbye : media.thanks, { interruptible: false });
      await this.finish(session);
    } catch (error) {
      const gone = error instanceof CallEndedError || isAriResourceGone(error);
      if (!gone) this.logger.error(`Service rating of call ${session.callId} failed: ${(error as Error).message}`, (error as Error).stack);
      // A key given stays given; a caller who hung up before one is recorded as such.
      if (!recorded) await this.recorded(session, agentId, digit !== null ? 'rated' : gone ? 'hung_up' : 'no_input', digit);
      await this.forget(session.callId);
    }
  }

  private async finish(session: CallSession): Promise<void> {
    session.hangupCause = NORMAL_CLEARING;
    await this.ari.hangup(session.channelId);
    await this.forget(session.callId);
  }

  private async mark(callId: string, marker: RatingMarker): Promise<void> {
    await this.redis.set(this.markerPrefix + callId, JSON.stringify(marker), 'PX', MARKER_MS);
  }

  private async forget(callId: string): Promise<void> {
    try {
      await this.redis.del(this.markerPrefix + callId);
    } catch (error) {
      // Harmless when left: it expires, and a call that has ended is never re-adopted.
      this.logger.warn(`Service rating marker of call ${callId} not removed: ${(error as Error).message}`);
    }
  }

  private async recorded(session: CallSession, agentId: string, outcome: CallServiceRatedPayload['outcome'], digit: string | null): Promise<void> {
    const at = this.clock.now();
    const payload: CallServiceRatedPayload = { callId: session.callId, channelId: session.channelId, agentId, outcome, digit, level: digit ? (LEVELS[digit] ?? null) : null };
    try {
      await this.calls.appendEvent(session.callId, 'call.service-rated', at, { ...payload });
      await this.mark(session.callId, { agentId, recorded: true });
      await this.events.publish('call.service-rated', at, payload);
    } catch (error) {
      this.logger.error(`Service rating of call ${session.callId} not recorded: ${(error as Error).message}`);
    }
  }

  private async media(): Promise<RatingMedia> {
    const one = (text: string) => this.prompts.media({ tts: text });
    const [intro, options, noInput, invalidKey, thanks, goodbye] = await Promise.all([
      one(PROMPTS.intro),
      one(PROMPTS.options),
      one(SurveyCallPrompts.noInput),
      one(SurveyCallPrompts.invalidKey),
      one(SurveyCallPrompts.thanks),
      one(PROMPTS.goodbye),
    ]);
    return { prompt: [...intro, ...options], noInput, invalidKey, thanks, goodbye };
  }
}
