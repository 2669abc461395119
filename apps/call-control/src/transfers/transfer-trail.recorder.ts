import { Injectable, Logger } from '@nestjs/common';
import { CallLogRepository } from '../calls/call-log.repository';
import { CallTransferRepository, NewCallTransfer, TransferOutcome } from './call-transfer.repository';
import { TransferTrailJournal, TransferTrailOp } from './transfer-trail.journal';

export type TransferTrailStep =
  | { kind: 'answered'; at: Date }
  | { kind: 'conference'; at: Date }
  | { kind: 'ended'; outcome: TransferOutcome; at: Date; cause: number | null };

/** One transfer's row in call_transfers and the steps recorded in it. */
export interface TransferTrail {
  readonly callId: string;
  /** Names the transfer in the log: "Trail of transfer … (call … to 110)". */
  readonly label: string;
  /** The row's id as soon as it is known (null: there is to be no row). */
  readonly id: Promise<string | null>;
  /** Whether the row was written; settles once it is in Postgres or given up (logged). */
  readonly row: Promise<boolean>;
  /** Settles after the row and every step so far (written or given up); never rejects. */
  written: Promise<boolean>;
}

interface CallChains {
  pushed: Promise<{ op: TransferTrailOp | null; journaled: boolean }>;
  written: Promise<boolean>;
}

const MEANWHILE = "written once the call's is";

/**
 * The trail is a record, not a condition: a transfer (an emergency one above all), from the IVR or from an
 * agent, is never refused or held up for it. Its row references the call's, written behind the call; while
 * Postgres is out that is logged and the row is written once it is back (afterCallRowEvenIfLate), so a
 * restarted process can still resume the transfer from it and the order filed from the call still counts it.
 * Each write is kept in Redis (TransferTrailJournal) from the moment it happens until it is in Postgres, so a
 * process that stops during an outage leaves it to the next one (resumePending) instead of losing it.
 * A call's writes go out one after the other whoever made them, because a new row's insert closes the rows
 * left open: a late IVR row must not land after, and close, an agent's transfer of the same call.
 */
@Injectable()
export class TransferTrailRecorder {
  private readonly logger = new Logger(TransferTrailRecorder.name);
  /** Per call, while writes are pending: the last one kept in Redis and the last one written. */
  private readonly chains = new Map<string, CallChains>();
  private resumed = false;

  constructor(
    private readonly calls: CallLogRepository,
    private readonly rows: CallTransferRepository,
    private readonly journal: TransferTrailJournal,
  ) {}

  /** `start` gives the row to write (null: none is to be written, e.g. a number off the allow-list). */
  open(callId: string, label: string, start: () => Promise<NewCallTransfer | null>, meanwhile: string): TransferTrail {
    const row = start().catch((error: Error) => {
      this.logger.error(`${label} not written: ${error.message}`);
      return null;
    });
    const written = this.enqueue(callId, label, row.then((found) => (found ? { kind: 'started' as const, row: found } : null)), { journaled: false, meanwhile });
    return { callId, label, id: row.then((found) => found?.id ?? null), row: written, written };
  }

  /** A trail whose row is already in Postgres (read back after a restart), or that has none. */
  existing(callId: string, label: string, id: string | null): TransferTrail {
    return { callId, label, id: Promise.resolve(id), row: Promise.resolve(id !== null), written: Promise.resolve(id !== null) };
  }

  /** A step, written after the row and the steps before it, off the call path. */
  step(trail: TransferTrail, step: TransferTrailStep): void {
    const what = `${trail.label}: ${step.kind === 'ended' ? `end (${step.outcome})` : step.kind === 'conference' ? 'three-way' : step.kind}`;
    const op = trail.id.then((id): TransferTrailOp | null => {
      if (id) return { ...step, trailId: id };
      this.logger.error(`${what} not recorded, it has no trail row`);
      return null;
    });
    trail.written = this.enqueue(trail.callId, what, op, { journaled: false, meanwhile: MEANWHILE, rowWritten: trail.row });
  }

  /**
   * Once per process, as it takes calls back after connecting: the writes an earlier process kept in Redis and
   * did not get into Postgres, in their order, ahead of anything this process records for those calls.
   */
  async resumePending(): Promise<void> {
    if (this.resumed) return;
    this.resumed = true;
    let pending: Map<string, TransferTrailOp[]>;
    try {
      pending = await this.journal.pending();
    } catch (error) {
      this.resumed = false;
      this.logger.error(`Transfer trail writes left by an earlier process not read (tried again on the next connect): ${(error as Error).message}`);
      return;
    }
    for (const [callId, ops] of pending) {
      this.logger.warn(`Call ${callId}: ${ops.length} transfer trail write(s) left by an earlier process; writing them`);
      for (const op of ops) {
        const what = `Trail of transfer ${op.kind === 'started' ? op.row.id : op.trailId} (call ${callId}, left by an earlier process): ${op.kind}`;
        void this.enqueue(callId, what, Promise.resolve(op), { journaled: true, meanwhile: MEANWHILE });
      }
    }
  }

  private enqueue(callId: string, what: string, op: Promise<TransferTrailOp | null>, options: { journaled: boolean; meanwhile: string; rowWritten?: Promise<boolean> }): Promise<boolean> {
    const chain = this.chains.get(callId);
    // Kept in Redis as soon as it is known, in the call's order, however long the writes ahead of it wait.
    const pushed = (chain?.pushed ?? Promise.resolve()).then(async () => {
      const known = await op;
      if (!known || options.journaled) return { op: known, journaled: options.journaled };
      try {
        await this.journal.push(callId, known);
        return { op: known, journaled: true };
      } catch (error) {
        this.logger.error(`${what}: not kept in Redis (${(error as Error).message}); it is lost if this process stops before it is written`);
        return { op: known, journaled: false };
      }
    });
    const written = (chain?.written ?? Promise.resolve(true)).then(async () => {
      const { op: known, journaled } = await pushed;
      if (!known) return false;
      try {
        return await this.write(callId, what, known, options);
      } finally {
        if (journaled) await this.unjournal(callId, what);
      }
    });
    const next: CallChains = { pushed, written };
    this.chains.set(callId, next);
    void written.then(() => {
      if (this.chains.get(callId) === next) this.chains.delete(callId);
    });
    return written;
  }

  private async write(callId: string, what: string, op: TransferTrailOp, options: { meanwhile: string; rowWritten?: Promise<boolean> }): Promise<boolean> {
    if (options.rowWritten && !(await options.rowWritten)) {
      this.logger.error(`${what} not recorded, it has no trail row`);
      return false;
    }
    try {
      await this.calls.afterCallRowEvenIfLate(callId, () => this.apply(op), (late) => this.logger.error(`${what}: ${late.message}; ${options.meanwhile}`));
      return true;
    } catch (error) {
      this.logger.error(`${what} not ${op.kind === 'started' ? 'written' : 'recorded'}: ${(error as Error).message}`);
      return false;
    }
  }

  private apply(op: TransferTrailOp): Promise<void> {
    switch (op.kind) {
      case 'started':
        return this.rows.started(op.row);
      case 'answered':
        return this.rows.answered(op.trailId, op.at);
      case 'conference':
        return this.rows.conference(op.trailId, op.at);
      case 'ended':
        return this.rows.ended(op.trailId, op.outcome, op.at, op.cause);
    }
  }

  private async unjournal(callId: string, what: string): Promise<void> {
    try {
      await this.journal.pop(callId);
    } catch (error) {
      // Left in Redis, it is written again by the next process: every trail write is idempotent.
      this.logger.warn(`${what}: written, but not taken out of Redis (${(error as Error).message})`);
    }
  }
}
