import { Injectable, Logger } from '@nestjs/common';
import { AriGateway } from '@hotline/telephony';
import { CallSession } from '../calls/call-session.registry';
import { CallEndedError } from '../ivr/call-channel.io';
import { chineseNumber } from '../ivr/chinese-number';
import { PromptResolver } from '../ivr/prompt.resolver';

/**
 * What a waiting caller hears besides the hold music: position and estimated wait at intervals, and,
 * once the queue's maximum wait is reached, the offer of a callback that keeps their place.
 * Music stops for the announcement and resumes after it, unless the call left the queue meanwhile.
 */
@Injectable()
export class QueueAnnouncer {
  private readonly logger = new Logger(QueueAnnouncer.name);

  constructor(private readonly prompts: PromptResolver) {}

  async announce(ari: AriGateway, session: CallSession, position: number, waitSeconds: number | null): Promise<void> {
    const media: string[] = [];
    if (position <= 1) media.push(...(await this.prompts.media({ sound: 'queue-next' })));
    else {
      media.push(...(await this.prompts.media([{ sound: 'queue-ahead' }, { tts: chineseNumber(position - 1) }, { sound: 'queue-callers' }])));
      if (waitSeconds !== null && waitSeconds > 0) {
        media.push(...(await this.prompts.media([{ sound: 'queue-wait' }, { tts: chineseNumber(Math.max(1, Math.round(waitSeconds / 60))) }, { sound: 'queue-minutes' }])));
      }
    }
    await this.overMusic(ari, session, async () => {
      await session.io.play(media, { interruptible: false });
    });
  }

  /** Plays the callback offer and waits for key 1; true when the caller took it. */
  async offerCallback(ari: AriGateway, session: CallSession): Promise<boolean> {
    let accepted = false;
    await this.overMusic(ari, session, async () => {
      session.io.clearDigits();
      await session.io.play(await this.prompts.media({ sound: 'callback-offer' }), { interruptible: true });
      const { digits } = await session.io.readDigits({ maxDigits: 1, firstTimeoutMs: 8_000, interDigitTimeoutMs: 8_000 });
      accepted = digits === '1';
    });
    return accepted;
  }

  private async overMusic(ari: AriGateway, session: CallSession, work: () => Promise<void>): Promise<void> {
    if (session.phase !== 'queue') return;
    await ari.stopMoh(session.channelId).catch((error: Error) => this.logger.debug(`stop MOH on ${session.channelId}: ${error.message}`));
    try {
      await work();
    } catch (error) {
      if (!(error instanceof CallEndedError)) throw error;
      return;
    } finally {
      // An agent may have answered during the announcement: then the caller is in a bridge, no music.
      if (session.phase === 'queue' && !session.io.ended) {
        await ari.startMoh(session.channelId).catch((error: Error) => this.logger.debug(`restart MOH on ${session.channelId}: ${error.message}`));
      }
    }
  }
}
