import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import {
  callControlCommandStream,
  COMMAND_STREAM_FIELD,
  OutboundCallCommand,
  parseOutboundCallCommand,
  SurveyCallResult,
  surveyCallResultStream,
} from '@hotline/realtime';
import { ensureConsumerGroup, isMissingConsumerGroup, REDIS_CLIENT } from '@hotline/redis';
import type Redis from 'ioredis';
import { SurveyCallAdmission } from './survey-call.admission';
import { SurveyCallService } from './survey-call.service';

export const SURVEY_CALL_CONSUMER_GROUP = 'call-control';
/** Commands seen are remembered this long (duplicates are dropped by id). */
const MARKER_TTL_SECONDS = 7 * 24 * 3600;
/** Another consumer's entry pending this long belongs to a dead process (a call lasts at most ~11 minutes). */
const ORPHAN_IDLE_MS = 15 * 60_000;
const RECLAIM_EVERY_MS = 60_000;
/** Writing a result is retried (Redis restarting) so a citizen's rating is not lost to a blip. */
const FINISH_ATTEMPTS = 8;

type StreamEntry = [id: string, fields: string[]];

/** What this deployment remembers of a command: being called by a run of call-control (on a channel), or done. */
type CommandMarker = { state: 'started'; run: string; channelId: string } | { state: 'done' };

/**
 * Reads `survey.call` commands from call-control's command stream (XREADGROUP, group `call-control`), one at a
 * time and only when SurveyCallAdmission lets one more call start, so excess commands wait in the stream.
 * Each command makes exactly one call and one SurveyCallResult; the result, the command's `done` marker and
 * the XACK go in one MULTI, so a result is never written twice nor acknowledged unwritten.
 *
 * Restarts: entries delivered to this consumer but never acknowledged are read again first. One that was
 * never dialled is dialled now; one whose call was under way when call-control died cannot be resumed (the
 * conversation is lost), so its channel is hung up and its result is `failed`, which the survey side retries.
 */
@Injectable()
export class SurveyCallCommandConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SurveyCallCommandConsumer.name);
  /** This run of call-control: a `started` marker of another run is a call that died with it. */
  private readonly run = randomUUID();
  private readonly consumer = os.hostname();
  private readonly inFlight = new Set<Promise<void>>();
  private reader: Redis | null = null;
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly calls: SurveyCallService,
    private readonly admission: SurveyCallAdmission,
  ) {}

  private get stream(): string {
    return callControlCommandStream(this.config.REDIS_PREFIX);
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureConsumerGroup(this.redis, this.stream, SURVEY_CALL_CONSUMER_GROUP);
    // Redis keeps nothing on disk: after it restarts the group is gone. Made again on every reconnect, not only
    // when a read fails, because reads pause while inbound callers wait and the survey side sees the group.
    this.redis.on('ready', () => this.recreateGroup());
    // Blocking reads need their own connection, or they would stall every other command.
    this.reader = this.redis.duplicate();
    this.running = true;
    this.loop = this.consume();
  }

  private recreateGroup(): void {
    if (!this.running) return;
    ensureConsumerGroup(this.redis, this.stream, SURVEY_CALL_CONSUMER_GROUP).catch((error: Error) =>
      this.logger.error(`Creating group ${SURVEY_CALL_CONSUMER_GROUP} after a Redis reconnect failed: ${error.message}`, error.stack),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.reader?.disconnect();
    await this.loop;
    // Calls under way stay pending in the stream: the next run settles them (see above).
    this.calls.abandonAll();
    await Promise.allSettled([...this.inFlight]);
    this.reader = null;
  }

  private async consume(): Promise<void> {
    let backlog = true;
    let lastReclaim = 0;
    let groupLost = false;
    while (this.running) {
      try {
        if (groupLost) {
          await ensureConsumerGroup(this.redis, this.stream, SURVEY_CALL_CONSUMER_GROUP);
          groupLost = false;
          backlog = true;
        }
        if (backlog) {
          // Our own pending entries first (delivered before a restart, never acknowledged).
          const entries = await this.read('0', 50, null);
          if (entries.length === 0) backlog = false;
          for (const entry of entries) await this.settleLeftover(entry);
          continue;
        }
        if (Date.now() - lastReclaim > RECLAIM_EVERY_MS) {
          lastReclaim = Date.now();
          for (const entry of await this.reclaimOrphans()) await this.settleLeftover(entry);
        }
        if (!(await this.waitForAdmission())) return;
        const [entry] = await this.read('>', 1, 2_000);
        // Asked again: the ACD may have filled while the read was blocked. Until then the entry stays pending
        // to this consumer (a restart reads it again), and the stream holds the rest.
        if (entry && (await this.waitForAdmission())) await this.accept(entry, false);
      } catch (error) {
        if (!this.running) return;
        if (isMissingConsumerGroup(error)) {
          // Redis restarted empty; commands that were in the lost stream are the survey side's to issue again.
          this.logger.warn(`Redis lost the survey command stream: creating group ${SURVEY_CALL_CONSUMER_GROUP} again`);
          groupLost = true;
          continue;
        }
        this.logger.error(`Reading survey call commands failed: ${(error as Error).message}`, (error as Error).stack);
        await sleep(1_000);
      }
    }
  }

  private async read(from: '0' | '>', count: number, blockMs: number | null): Promise<StreamEntry[]> {
    const block = blockMs === null ? [] : ['BLOCK', blockMs];
    const reply = (await this.reader!.xreadgroup('GROUP', SURVEY_CALL_CONSUMER_GROUP, this.consumer, 'COUNT', count, ...(block as ['BLOCK', number]), 'STREAMS', this.stream, from)) as
      | [string, StreamEntry[]][]
      | null;
    return reply?.[0]?.[1] ?? [];
  }

  /** Entries another consumer (a node that died) has held far longer than any call lasts. */
  private async reclaimOrphans(): Promise<StreamEntry[]> {
    const reply = (await this.redis.xautoclaim(this.stream, SURVEY_CALL_CONSUMER_GROUP, this.consumer, ORPHAN_IDLE_MS, '0', 'COUNT', 50)) as [string, StreamEntry[]];
    return (reply?.[1] ?? []).filter((entry) => entry !== null && Array.isArray(entry[1]));
  }

  /** Waits until one more survey call may start; false when shutting down. */
  private async waitForAdmission(): Promise<boolean> {
    let lastReason: string | null = null;
    while (this.running) {
      const verdict = await this.admission.verdict();
      if (verdict.admit) return true;
      if (verdict.reason !== lastReason && verdict.reason === 'inbound') this.logger.log('Survey calls paused: inbound callers are waiting in the ACD');
      lastReason = verdict.reason;
      await sleep(Math.min(Math.max(verdict.retryInMs, 50), 1_000));
    }
    return false;
  }

  /** A pending entry from before a restart (ours, or claimed from a dead node). */
  private async settleLeftover(entry: StreamEntry): Promise<void> {
    const command = this.parse(entry);
    if (!command) return;
    const marker = await this.marker(command.id);
    if (marker?.state === 'started' && marker.run !== this.run) {
      this.logger.warn(`Survey call ${command.id} was under way when call-control stopped; hanging up ${marker.channelId} and reporting it failed`);
      await this.calls.hangup(marker.channelId);
      await this.finish(entry[0], this.calls.result(command, 'failed'));
      return;
    }
    if (marker) {
      await this.ack(entry[0]);
      return;
    }
    // Never dialled: it is an ordinary command, under the same caps.
    if (await this.waitForAdmission()) await this.accept(entry, true);
  }

  /** A command to act on: validate, drop duplicates, then place the call in the background. */
  private async accept(entry: StreamEntry, leftover: boolean): Promise<void> {
    const command = this.parse(entry);
    if (!command) return;
    const channelId = `survey-${randomUUID()}`;
    const marker: CommandMarker = { state: 'started', run: this.run, channelId };
    const claimed = await this.redis.set(this.markerKey(command.id), JSON.stringify(marker), 'EX', MARKER_TTL_SECONDS, 'NX');
    if (claimed !== 'OK') {
      this.logger.warn(`Dropped duplicate survey call command ${command.id}${leftover ? ' (pending)' : ''}`);
      await this.ack(entry[0]);
      return;
    }
    this.admission.started(command.id);
    const work = this.calls
      .place(command, channelId)
      .then((result) => (this.running ? this.finishWithRetry(entry[0], result) : undefined))
      .catch((error: Error) => this.logger.error(`Survey call ${command.id}: writing its result failed: ${error.message}`, error.stack))
      .finally(() => {
        this.admission.ended(command.id);
        this.inFlight.delete(work);
      });
    this.inFlight.add(work);
  }

  /** Validates an entry; an invalid one (or one of a type this consumer does not handle) is logged and acknowledged. */
  private parse([entryId, fields]: StreamEntry): OutboundCallCommand<'survey.call'> | null {
    const index = fields.indexOf(COMMAND_STREAM_FIELD);
    try {
      const command = parseOutboundCallCommand(index >= 0 ? (fields[index + 1] ?? '') : '');
      if (command.type === 'survey.call') return command as OutboundCallCommand<'survey.call'>;
      this.logger.error(`Command ${command.id} of type ${command.type} has no handler in call-control; dropped`);
    } catch (error) {
      this.logger.error(`Dropped stream entry ${entryId}: ${(error as Error).message}`);
    }
    void this.ack(entryId).catch((error: Error) => this.logger.error(`Acknowledging ${entryId}: ${error.message}`));
    return null;
  }

  private async finishWithRetry(entryId: string, result: SurveyCallResult): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        // A MULTI whose reply was lost may have run: its `done` marker says so, and the result is not written twice.
        if (attempt > 1 && (await this.marker(result.commandId))?.state === 'done') return await this.ack(entryId);
        return await this.finish(entryId, result);
      } catch (error) {
        if (!this.running || attempt >= FINISH_ATTEMPTS) throw error;
        this.logger.warn(`Writing the result of survey call ${result.commandId} failed (attempt ${attempt}): ${(error as Error).message}; retrying`);
        await sleep(Math.min(500 * 2 ** attempt, 5_000));
      }
    }
  }

  /** The result, the `done` marker and the acknowledgement together, so none is written without the others. */
  private async finish(entryId: string, result: SurveyCallResult): Promise<void> {
    const replies = await this.redis
      .multi()
      .xadd(surveyCallResultStream(this.config.REDIS_PREFIX), 'MAXLEN', '~', '100000', '*', COMMAND_STREAM_FIELD, JSON.stringify(result))
      .set(this.markerKey(result.commandId), JSON.stringify({ state: 'done' } satisfies CommandMarker), 'EX', MARKER_TTL_SECONDS)
      .xack(this.stream, SURVEY_CALL_CONSUMER_GROUP, entryId)
      .exec();
    const failed = replies?.find(([error]) => error !== null);
    if (!replies || failed) throw new Error(`MULTI for the result of ${result.commandId} failed: ${failed?.[0]?.message ?? 'transaction aborted'}`);
    this.logger.log(`Survey call ${result.commandId}: ${result.outcome}${result.digit ? ` ${result.digit}` : ''}`);
  }

  private async ack(entryId: string): Promise<void> {
    await this.redis.xack(this.stream, SURVEY_CALL_CONSUMER_GROUP, entryId);
  }

  private async marker(commandId: string): Promise<CommandMarker | null> {
    const raw = await this.redis.get(this.markerKey(commandId));
    return raw === null ? null : (JSON.parse(raw) as CommandMarker);
  }

  private markerKey(commandId: string): string {
    return `${this.config.REDIS_PREFIX}:survey-calls:${commandId}`;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
