import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { CLOCK, Clock } from '@hotline/common';
import { AcdStateStore } from '../acd/acd-state.store';

export interface AdmissionLimits {
  maxConcurrent: number;
  callsPerSecond: number;
  maxInboundWaiting: number;
}

export interface AdmissionState {
  active: number;
  lastStartMs: number | null;
  inboundWaiting: number;
  nowMs: number;
}

export type AdmissionVerdict = { admit: true } | { admit: false; reason: 'concurrency' | 'rate' | 'inbound'; retryInMs: number };

/** Whether one more survey call may start now; inbound callers come first, then the trunk and CPU caps. */
export function admissionVerdict(limits: AdmissionLimits, state: AdmissionState): AdmissionVerdict {
  if (state.inboundWaiting > limits.maxInboundWaiting) return { admit: false, reason: 'inbound', retryInMs: 1_000 };
  if (state.active >= limits.maxConcurrent) return { admit: false, reason: 'concurrency', retryInMs: 250 };
  const spacingMs = 1_000 / limits.callsPerSecond;
  if (state.lastStartMs !== null && state.nowMs - state.lastStartMs < spacingMs) {
    return { admit: false, reason: 'rate', retryInMs: Math.ceil(spacingMs - (state.nowMs - state.lastStartMs)) };
  }
  return { admit: true };
}

/**
 * The survey calls this node has up, and the gate a new one passes: at most SURVEY_MAX_CONCURRENT_CALLS at
 * once, at most SURVEY_CALLS_PER_SECOND started per second, and none while more inbound callers wait in the
 * ACD than SURVEY_MAX_INBOUND_WAITING (surveys must never starve the hotline's callers of trunks or CPU).
 */
@Injectable()
export class SurveyCallAdmission {
  private readonly active = new Set<string>();
  private lastStartMs: number | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly acd: AcdStateStore,
  ) {}

  get activeCount(): number {
    return this.active.size;
  }

  /** Resolves with a verdict; the caller waits `retryInMs` and asks again while it is a refusal. */
  async verdict(): Promise<AdmissionVerdict> {
    const limits = { maxConcurrent: this.config.SURVEY_MAX_CONCURRENT_CALLS, callsPerSecond: this.config.SURVEY_CALLS_PER_SECOND, maxInboundWaiting: this.config.SURVEY_MAX_INBOUND_WAITING };
    const nowMs = this.clock.now().getTime();
    // Cheap checks first: the ACD is read only when the call would otherwise start.
    const local = admissionVerdict(limits, { active: this.active.size, lastStartMs: this.lastStartMs, inboundWaiting: 0, nowMs });
    if (!local.admit) return local;
    return admissionVerdict(limits, { active: this.active.size, lastStartMs: this.lastStartMs, inboundWaiting: await this.inboundWaiting(), nowMs });
  }

  started(commandId: string): void {
    this.active.add(commandId);
    this.lastStartMs = this.clock.now().getTime();
  }

  ended(commandId: string): void {
    this.active.delete(commandId);
  }

  /** Live callers waiting for an agent, across skills (callbacks owed are not on the line, so not counted). */
  private async inboundWaiting(): Promise<number> {
    let waiting = 0;
    for (const skill of await this.acd.skills()) {
      waiting += (await this.acd.queue(skill)).filter((entry) => entry.kind === 'live' && entry.state === 'waiting').length;
    }
    return waiting;
  }
}
