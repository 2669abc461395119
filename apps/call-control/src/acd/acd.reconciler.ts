import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS_CLIENT } from '@hotline/redis';
import { ARI_GATEWAY, AriChannel, AriGateway } from '@hotline/telephony';
import { AcdStateRebuilder } from './acd-state.rebuilder';
import { AcdStateStore } from './acd-state.store';
import { AcdService } from './acd.service';

/**
 * After (re)connecting to ARI: the ACD's Redis state meets what Asterisk has now. Offers whose ringing
 * leg is gone are withdrawn (not the agent's fault: no RONA), talks with a missing side are ended,
 * entries whose caller vanished are removed; legs still there are adopted so their events are handled.
 * Waiting callers who are still on the line keep their entries (and so their order); the call service
 * re-adopts their channels and resumes music and timers. When Redis itself lost the state (restarted
 * empty), it is rebuilt first (AcdStateRebuilder) - at connect, and again whenever Redis reconnects.
 */
/** Offers made this long before the channel listing, or later, are this process's own and still in flight. */
const FRESH_OFFER_MS = 1_000;

@Injectable()
export class AcdReconciler implements OnApplicationBootstrap {
  private readonly logger = new Logger(AcdReconciler.name);
  private redisWasReady = false;

  constructor(
    private readonly state: AcdStateStore,
    private readonly acd: AcdService,
    private readonly rebuilder: AcdStateRebuilder,
    @Inject(ARI_GATEWAY) private readonly ari: AriGateway,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    this.redisWasReady = this.redis.status === 'ready';
    this.redis.on('ready', () => {
      // The first connection is covered by the ARI connect; later ones may be to a Redis that lost everything.
      if (this.redisWasReady && this.ari.isConnected()) void this.afterRedisReconnect();
      this.redisWasReady = true;
    });
  }

  private async afterRedisReconnect(): Promise<void> {
    try {
      if (await this.state.stateKept()) return;
      await this.reconcile(await this.ari.listChannels());
    } catch (error) {
      this.logger.error(`Rebuilding the ACD state after Redis reconnected failed: ${(error as Error).message}`, (error as Error).stack);
    } finally {
      // The sessions are in this process already: nothing to re-adopt, offers may go on.
      this.settled();
    }
  }

  /** Call-control has re-adopted the channels (or gave up trying): the ACD may offer calls again. */
  settled(): void {
    this.acd.holdMatching(false);
  }

  async reconcile(channels: AriChannel[]): Promise<void> {
    // The channels were listed just before this call; offers from then on may have legs the list lacks.
    const listedAt = Date.now();
    this.acd.holdMatching(true);
    await this.acd.reloadSettings();
    await this.rebuilder.rebuildIfLost(channels);
    const live = new Set(channels.map((channel) => channel.id));
    let kept = 0;
    for (const entry of await this.state.allEntries()) {
      const callerHere = entry.kind === 'live' ? live.has(entry.channelId) : true;
      const agentLegHere = entry.agentChannelId !== '' && live.has(entry.agentChannelId);
      if (entry.state === 'waiting') {
        if (!callerHere) await this.acd.abandonLost(entry);
        else kept += 1;
      } else if (entry.state === 'offered') {
        if (!callerHere) await this.acd.abandonLost(entry);
        else if (agentLegHere) this.acd.adoptLeg(entry.agentChannelId, { kind: 'agent', entryId: entry.id, agentId: entry.agentId });
        // An offer this process made around or after the listing is not lost: its leg is being set up or rung.
        else if (!(entry.offeredAt >= listedAt - FRESH_OFFER_MS && (entry.agentChannelId === '' || this.acd.isAcdLeg(entry.agentChannelId)))) await this.acd.releaseLostOffer(entry);
        if (callerHere) kept += 1;
      } else {
        const citizenHere = entry.kind === 'live' || (entry.channelId !== '' && live.has(entry.channelId));
        if (!agentLegHere) await this.acd.endLostTalk(entry, 'agent');
        else if (!callerHere || (entry.kind === 'callback' && entry.talkCallId !== '' && !citizenHere)) await this.acd.endLostTalk(entry, 'caller');
        else this.acd.adoptLeg(entry.agentChannelId, { kind: 'agent', entryId: entry.id, agentId: entry.agentId });
      }
    }
    this.logger.log(`ACD state reconciled with Asterisk: ${kept} caller(s) still queued`);
    // Off the reconnect's path: each waits for its origin call's row, as long as Postgres takes.
    await this.acd.resumePromisedCallbacks();
  }
}
