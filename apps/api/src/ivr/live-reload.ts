import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import type { HotlineCommandPayloads } from '@hotline/realtime';
import { CallControlClient } from '../call-control/call-control.client';

export type LiveReload = 'applied' | 'pending';

/**
 * After a configuration change in Postgres, tells call-control to re-read it (no restart). If call-control
 * is not reachable the change is still saved: it is read on call-control's next start or within a minute.
 */
@Injectable()
export class CallControlReloader {
  private readonly logger = new Logger(CallControlReloader.name);

  constructor(private readonly callControl: CallControlClient) {}

  async reload(what: HotlineCommandPayloads['config.reload']['what'], requestedBy: string): Promise<LiveReload> {
    try {
      await this.callControl.send('config.reload', { what, requestedBy });
      return 'applied';
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      this.logger.warn(`call-control did not confirm the reload of ${what}: ${error.message}`);
      return 'pending';
    }
  }
}
