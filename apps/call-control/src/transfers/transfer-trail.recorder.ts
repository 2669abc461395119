import { Injectable, Logger } from '@nestjs/common';
import { CallLogRepository } from '../calls/call-log.repository';

/**
 * One transfer's row in call_transfers and the steps recorded in it. `written` settles after the row and
 * every step so far, with the row's id (null: there is no row to record in); it never rejects.
 */
export interface TransferTrail {
  readonly callId: string;
  /** Names the transfer in the log: "Trail of transfer … (call … to 110)". */
  readonly label: string;
  written: Promise<string | null>;
}

/**
 * The trail is a record, not a condition: a transfer (an emergency one above all), from the IVR or from an
 * agent, is never refused or held up for it. Its row references the call's, written behind the call; while
 * Postgres is out that is logged and the row is written once it is back (afterCallRowEvenIfLate), so a
 * restarted process can still resume the transfer from it and the order filed from the call still counts it.
 * A call's trails are written one after the other whoever placed them, because a new row's insert closes
 * the rows left open: a late IVR row must not land after, and close, an agent's transfer of the same call.
 */
@Injectable()
export class TransferTrailRecorder {
  private readonly logger = new Logger(TransferTrailRecorder.name);
  /** Per call, the last write of its latest trail, while one is pending. */
  private readonly latest = new Map<string, Promise<unknown>>();

  constructor(private readonly calls: CallLogRepository) {}

  /** Writes the row (`row` returns its id, or null when there is to be none) after the call's, off the call path. */
  open(callId: string, label: string, row: () => Promise<string | null>, meanwhile: string): TransferTrail {
    const previous = this.latest.get(callId) ?? Promise.resolve();
    const written = previous
      .then(() => this.calls.afterCallRowEvenIfLate(callId, row, (late) => this.logger.error(`${label}: ${late.message}; ${meanwhile}`)))
      .catch((error: Error) => {
        this.logger.error(`${label} not written: ${error.message}`);
        return null;
      });
    const trail: TransferTrail = { callId, label, written };
    this.chain(trail);
    return trail;
  }

  /** A trail whose row is already in Postgres (read back after a restart), or that has none. */
  existing(callId: string, label: string, id: string | null): TransferTrail {
    return { callId, label, written: Promise.resolve(id) };
  }

  /** A step, written after the row and the steps before it, off the call path. */
  step(trail: TransferTrail, step: string, write: (id: string) => Promise<void>): void {
    trail.written = trail.written.then(async (id) => {
      if (!id) {
        this.logger.error(`${trail.label}: ${step} not recorded, it has no trail row`);
        return null;
      }
      try {
        await write(id);
      } catch (error) {
        this.logger.error(`${trail.label}: ${step} not recorded: ${(error as Error).message}`);
      }
      return id;
    });
    this.chain(trail);
  }

  /**
   * What the call's next row waits for: this write and whatever was pending (a step of an older trail can
   * come after a newer trail's row). Kept only until it settles.
   */
  private chain(trail: TransferTrail): void {
    const pending = this.latest.get(trail.callId);
    const last = pending ? Promise.all([pending, trail.written]) : trail.written;
    this.latest.set(trail.callId, last);
    void last.then(() => {
      if (this.latest.get(trail.callId) === last) this.latest.delete(trail.callId);
    });
  }
}
