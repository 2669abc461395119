import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, Clock } from '@hotline/common';
import { CallTransferRepository, TransferDestination } from './call-transfer.repository';

/**
 * The centre's transfer allow-list (ivr_transfer_destinations) as call-control uses it: read afresh on every
 * transfer, so an entry an administrator withdrew is refused at once; while Postgres cannot be read, the list as
 * last read. A citizen's transfer to 110, 119, 120 or 122 must not be refused because the database is out.
 * Read first at start, so an outage soon after a restart finds it too.
 */
@Injectable()
export class TransferAllowList implements OnApplicationBootstrap {
  private readonly logger = new Logger(TransferAllowList.name);
  private lastRead: TransferDestination[] | null = null;
  private unreadableSince: Date | null = null;

  constructor(
    private readonly repository: CallTransferRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.current();
    } catch (error) {
      this.logger.warn(`Transfer allow-list not read at start (${(error as Error).message}); transfers need Postgres until it is`);
    }
  }

  async byId(id: string): Promise<TransferDestination | null> {
    return (await this.current()).find((destination) => destination.id === id) ?? null;
  }

  async byNumber(number: string): Promise<TransferDestination | null> {
    return (await this.current()).find((destination) => destination.number === number) ?? null;
  }

  async numbers(): Promise<Set<string>> {
    return new Set((await this.current()).map((destination) => destination.number));
  }

  private async current(): Promise<TransferDestination[]> {
    try {
      this.lastRead = await this.repository.activeDestinations();
      if (this.unreadableSince) this.logger.log(`Transfer allow-list read again (${this.lastRead.length} destinations); it was used as last read since ${this.unreadableSince.toISOString()}`);
      this.unreadableSince = null;
      return this.lastRead;
    } catch (error) {
      if (!this.lastRead) throw error;
      // Once per outage: during one, every transfer comes here.
      const log = this.unreadableSince ? 'debug' : 'warn';
      this.unreadableSince ??= this.clock.now();
      this.logger[log](`Transfer allow-list unreadable (${(error as Error).message}); using it as last read (${this.lastRead.length} destinations)`);
      return this.lastRead;
    }
  }
}
