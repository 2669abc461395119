import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { AmiHealthProbe, AriHealthProbe, HealthProbeResult } from '@hotline/telephony';

/** Turns the telephony probes' findings into terminus results. */
@Injectable()
export class TelephonyHealthIndicator {
  constructor(
    private readonly ari: AriHealthProbe,
    private readonly ami: AmiHealthProbe,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async ariCheck<Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    return this.toResult(key, await this.ari.check());
  }

  async amiCheck<Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    return this.toResult(key, await this.ami.check());
  }

  private toResult<Key extends string>(key: Key, result: HealthProbeResult): HealthIndicatorResult<Key> {
    const session = this.indicators.check(key);
    if (!result.up) return session.down({ message: result.reason, latencyMs: result.latencyMs });
    return session.up({ latencyMs: result.latencyMs, ...(result.version ? { version: result.version } : {}) });
  }
}
