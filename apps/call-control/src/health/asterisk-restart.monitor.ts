import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { CLOCK, Clock } from '@hotline/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { asteriskAlarmKey, type KeptSystemAlarm, type SystemAlarmPayload } from '@hotline/realtime';
import { REDIS_CLIENT } from '@hotline/redis';
import { AMI_GATEWAY, AmiGateway, ARI_GATEWAY, AriChannel, AriGateway } from '@hotline/telephony';
import { CallEventPublisher } from '../calls/call-event.publisher';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallSessionRegistry } from '../calls/call-session.registry';
import { CallSessionService } from '../calls/call-session.service';
import { LostCallRepository } from './lost-call.repository';

/** Hangup cause text of calls that were up when Asterisk restarted (no Q.850 cause: nobody hung up). */
export const ASTERISK_RESTART_CAUSE = 'asterisk_restart';
const AMI_WAIT_MS = 15_000;
/** How often the ARI connection is looked at, to know when it went away. */
const WATCH_MS = 250;
/** A graceful restart hangs channels up (shutdown cause) this long at most before the websocket closes. */
const SHUTDOWN_WINDOW_MS = 5_000;

/**
 * Knows which Asterisk run call-control talks to (CoreStatus startup time, kept in Redis so a restarted
 * call-control knows it too). After an ARI (re)connect to a different run, every call whose channel did not
 * survive is ended with cause asterisk_restart - before the ACD and the call service reconcile, so they
 * find nothing left to guess about; calls Asterisk itself hung up while shutting down (graceful restart) get
 * that cause text too - and an alarm goes out: an error in the log, a `system.alarm` event on
 * the realtime bus, and the alarm kept in Redis (`<prefix>:health:asterisk`) for health checks.
 */
@Injectable()
export class AsteriskRestartMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AsteriskRestartMonitor.name);
  private readonly runKey: string;
  private readonly alarmKey: string;
  private lastAlarm: SystemAlarmPayload | null = null;
  /** Last moment ARI was seen connected (null: not since this process started). */
  private lastConnectedAt: number | null = null;
  private watch: NodeJS.Timeout | null = null;

  constructor(
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    @Inject(AMI_GATEWAY) private readonly ami: AmiGateway,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly calls: CallLogRepository,
    private readonly sessions: CallSessionRegistry,
    private readonly callService: CallSessionService,
    private readonly events: CallEventPublisher,
    private readonly lostCalls: LostCallRepository,
  ) {
    this.runKey = `${config.REDIS_PREFIX}:health:asterisk-run`;
    this.alarmKey = asteriskAlarmKey(config.REDIS_PREFIX);
  }

  onApplicationBootstrap(): void {
    this.watch = setInterval(() => {
      if (this.ari.isConnected()) this.lastConnectedAt = Date.now();
    }, WATCH_MS);
    this.watch.unref();
  }

  onApplicationShutdown(): void {
    if (this.watch) clearInterval(this.watch);
  }

  /** The last alarm this process raised (null: none since it started). */
  alarm(): SystemAlarmPayload | null {
    return this.lastAlarm;
  }

  /** Called after every ARI (re)connect with the channels Asterisk has now. Returns the alarm, if any. */
  async connected(channels: AriChannel[]): Promise<SystemAlarmPayload | null> {
    try {
      return await this.checkRun(channels);
    } catch (error) {
      // Re-adoption must go on even when the restart check cannot be made; the gap itself is an error.
      this.logger.error(`Could not check for an Asterisk restart: ${(error as Error).message}`, (error as Error).stack);
      return null;
    }
  }

  private async checkRun(channels: AriChannel[]): Promise<SystemAlarmPayload | null> {
    const startedAt = await this.asteriskStartedAt();
    const previous = await this.redis.getset(this.runKey, startedAt);
    if (previous === null || previous === startedAt) return null;
    const live = new Set(channels.map((channel) => channel.id));
    const lost = (await this.calls.listOpenCalls()).filter((call) => !live.has(call.channelId));
    for (const call of lost) await this.endLost(call);
    // The window runs until now, not until the websocket closed: the shutdown's hangups reach us just before
    // the close, but a loaded process may handle them (and stamp their end) a second or more later, and
    // nothing else can end a call while ARI is away. Cutting at the close lost one of four calls in CI.
    // The ends just handled (endLost above) and any still buffered must be rows before the window is read.
    await this.calls.flushed();
    const hungUpByShutdown =
      this.lastConnectedAt === null
        ? []
        : await this.lostCalls.markEndedInWindow(new Date(this.lastConnectedAt - SHUTDOWN_WINDOW_MS), this.clock.now(), ASTERISK_RESTART_CAUSE);
    const lostCallIds = [...new Set([...lost.map((call) => call.id), ...hungUpByShutdown])];
    const alarm: SystemAlarmPayload = {
      alarm: 'asterisk_restart',
      severity: 'critical',
      message: `Asterisk restarted (run of ${previous} replaced by ${startedAt}); ${lostCallIds.length} call(s) lost`,
      asteriskStartedAt: startedAt,
      previousAsteriskStartedAt: previous,
      lostCallIds,
    };
    this.lastAlarm = alarm;
    this.logger.error(alarm.message);
    const at = this.clock.now();
    const kept: KeptSystemAlarm = { ...alarm, raisedAt: at.toISOString() };
    await this.redis.set(this.alarmKey, JSON.stringify(kept));
    await this.events.publish('system.alarm', at, alarm);
    return alarm;
  }

  private async endLost(call: { id: string; channelId: string; startedAt: Date }): Promise<void> {
    if (this.sessions.get(call.channelId)) {
      // Handled like a hangup (queue entry, ACD talk, recording) but with the cause that says why.
      await this.callService.callEnded(call.channelId, { cause: null, causeText: ASTERISK_RESTART_CAUSE });
      return;
    }
    // A call this process never held (call-control restarted as well): only its record is left to close.
    const endedAt = this.clock.now();
    const ended = { endedAt: endedAt.toISOString(), hangupCause: null, hangupCauseText: ASTERISK_RESTART_CAUSE, durationMs: endedAt.getTime() - call.startedAt.getTime() };
    await this.calls.endedWithEvent(call.id, endedAt, null, ASTERISK_RESTART_CAUSE, ended);
    await this.events.publish('call.ended', endedAt, { callId: call.id, channelId: call.channelId, ...ended });
  }

  /** CoreStatus over AMI; AMI reconnects on its own schedule, so it may take a moment after ARI. */
  private async asteriskStartedAt(): Promise<string> {
    const deadline = Date.now() + AMI_WAIT_MS;
    while (!this.ami.isConnected()) {
      if (Date.now() > deadline) throw new Error(`AMI not connected ${AMI_WAIT_MS} ms after ARI; cannot tell whether Asterisk restarted`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const status = lowerKeys(await this.ami.action({ action: 'CoreStatus' }));
    const date = status.corestartupdate;
    const time = status.corestartuptime;
    if (!date || !time) throw new Error(`CoreStatus gave no startup time: ${JSON.stringify(status)}`);
    return `${date} ${time}`;
  }
}

function lowerKeys(response: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(response).map(([key, value]) => [key.toLowerCase(), value]));
}
