import { Injectable, Logger } from '@nestjs/common';
import { AriChannel } from '@hotline/telephony';
import { AcdStateStore } from './acd-state.store';
import { AcdService } from './acd.service';

/**
 * After (re)connecting to ARI: the ACD's Redis state meets what Asterisk has now. Offers whose ringing
 * leg is gone are withdrawn (not the agent's fault: no RONA), talks with a missing side are ended,
 * entries whose caller vanished are removed; legs still there are adopted so their events are handled.
 * Waiting callers who are still on the line keep their entries (and so their order); the call service
 * re-adopts their channels and resumes music and timers.
 */
@Injectable()
export class AcdReconciler {
  private readonly logger = new Logger(AcdReconciler.name);

  constructor(private readonly state: AcdStateStore, private readonly acd: AcdService) {}

  async reconcile(channels: AriChannel[]): Promise<void> {
    await this.acd.reloadSettings();
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
        else await this.acd.releaseLostOffer(entry);
        if (callerHere) kept += 1;
      } else {
        const citizenHere = entry.kind === 'live' || (entry.channelId !== '' && live.has(entry.channelId));
        if (!agentLegHere) await this.acd.endLostTalk(entry, 'agent');
        else if (!callerHere || (entry.kind === 'callback' && entry.talkCallId !== '' && !citizenHere)) await this.acd.endLostTalk(entry, 'caller');
        else this.acd.adoptLeg(entry.agentChannelId, { kind: 'agent', entryId: entry.id, agentId: entry.agentId });
      }
    }
    this.logger.log(`ACD state reconciled with Asterisk: ${kept} caller(s) still queued`);
    await this.acd.tick();
  }
}
