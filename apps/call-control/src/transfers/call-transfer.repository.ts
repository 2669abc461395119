import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** An active entry of the transfer allow-list (ivr_transfer_destinations, shared with the IVR's transfer node). */
export interface TransferDestination {
  id: string;
  number: string;
  name: string;
  emergency: boolean;
  ringTimeoutSeconds: number;
}

export type TransferOutcome = 'completed' | 'cancelled' | 'busy' | 'no_answer' | 'failed' | 'caller_left' | 'destination_left';

export interface NewCallTransfer {
  id: string;
  callId: string;
  destination: TransferDestination;
  /** ivr: the IVR's transfer node (no agent). */
  mode: 'warm' | 'blind' | 'ivr';
  agentId: string | null;
  requestedBy: string;
  startedAt: Date;
}

/** A transfer the trail says is still going (dialling, consulting, three-way): what a restarted process resumes. */
export interface OpenCallTransfer {
  id: string;
  mode: 'warm' | 'blind' | 'ivr';
  agentId: string | null;
  state: 'dialling' | 'consulting' | 'conference';
  destination: TransferDestination;
}

/** The allow-list as call-control reads it, and the trail of each transfer (call_transfers). */
@Injectable()
export class CallTransferRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The active entries (a centre has dozens): TransferAllowList keeps the last list read for outages. */
  async activeDestinations(): Promise<TransferDestination[]> {
    const rows: Array<{ id: string; number: string; name: string; kind: string; ring_timeout_seconds: number }> = await this.dataSource.query(
      `SELECT id, number, name, kind, ring_timeout_seconds FROM ivr_transfer_destinations WHERE active ORDER BY number`,
    );
    return rows.map((row) => ({ id: row.id, number: row.number, name: row.name, emergency: row.kind === 'emergency', ringTimeoutSeconds: row.ring_timeout_seconds }));
  }

  /** Idempotent (written again by a later process when this one stopped before it knew it was in). */
  async started(transfer: NewCallTransfer): Promise<void> {
    // This process holds the call and has no transfer open for it: an open row is left over from a
    // call-control restart mid-transfer (its legs were not re-adopted). Close it, or the call stays blocked.
    await this.closeLeftOver(transfer.callId, 'failed', transfer.startedAt, transfer.id);
    await this.dataSource.query(
      `INSERT INTO call_transfers (id, call_id, destination_id, destination_number, destination_name, emergency, mode, agent_id, requested_by, state, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'dialling', $10) ON CONFLICT (id) DO NOTHING`,
      [transfer.id, transfer.callId, transfer.destination.id, transfer.destination.number, transfer.destination.name, transfer.destination.emergency, transfer.mode, transfer.agentId, transfer.requestedBy, transfer.startedAt],
    );
  }

  async answered(id: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE call_transfers SET state = 'consulting', answered_at = $2 WHERE id = $1`, [id, at]);
  }

  async conference(id: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE call_transfers SET state = 'conference', conference_at = $2 WHERE id = $1`, [id, at]);
  }

  async openTransfer(callId: string): Promise<OpenCallTransfer | null> {
    const rows: Array<{ id: string; mode: OpenCallTransfer['mode']; agent_id: string | null; state: OpenCallTransfer['state']; destination_id: string | null; destination_number: string; destination_name: string; emergency: boolean }> =
      await this.dataSource.query(
        `SELECT id, mode, agent_id, state, destination_id, destination_number, destination_name, emergency FROM call_transfers
          WHERE call_id = $1 AND state <> 'ended' ORDER BY started_at DESC LIMIT 1`,
        [callId],
      );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      mode: row.mode,
      agentId: row.agent_id,
      state: row.state,
      // The ring timeout was the originate's; a resumed transfer is past it.
      destination: { id: row.destination_id ?? '', number: row.destination_number, name: row.destination_name, emergency: row.emergency, ringTimeoutSeconds: 0 },
    };
  }

  /** Ends a call's open transfer row that no process tracks any more (`except`: a transfer's own row, written again). */
  async closeLeftOver(callId: string, outcome: TransferOutcome, at: Date, except: string | null = null): Promise<void> {
    await this.dataSource.query(`UPDATE call_transfers SET state = 'ended', outcome = $2, ended_at = $3 WHERE call_id = $1 AND state <> 'ended' AND id IS DISTINCT FROM $4`, [callId, outcome, at, except]);
  }

  async ended(id: string, outcome: TransferOutcome, at: Date, hangupCause: number | null): Promise<void> {
    await this.dataSource.query(`UPDATE call_transfers SET state = 'ended', outcome = $2, ended_at = $3, hangup_cause = $4 WHERE id = $1 AND state <> 'ended'`, [id, outcome, at, hangupCause]);
  }
}
