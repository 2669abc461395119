import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { CallerListRepository, CallerProfile } from '@hotline/ivr';
import { CallSession } from './call-session.registry';

/** The ACD's repeat-caller rule looks back one day. */
const REPEAT_CALLER_WINDOW_MS = 24 * 3_600_000;

const NO_NUMBER: CallerProfile = { lists: new Set(), earlierCalls: 0 };

/**
 * A caller's lists and earlier calls, read once per call the first time the IVR or the ACD asks (one
 * statement for both), then shared by every condition and by the queue priority.
 */
@Injectable()
export class CallerProfileLoader {
  constructor(
    private readonly callerLists: CallerListRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  of(session: CallSession): Promise<CallerProfile> {
    if (!session.callerNumber) return Promise.resolve(NO_NUMBER);
    return (session.callerProfile ??= this.callerLists.profileOf(session.callerNumber, new Date(this.clock.now().getTime() - REPEAT_CALLER_WINDOW_MS), session.callId));
  }
}
