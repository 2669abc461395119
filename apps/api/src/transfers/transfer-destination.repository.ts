import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, DomainErrorKind } from '@hotline/common';
import type { DestinationBody } from './transfer.schemas';

export interface TransferDestinationView {
  id: string;
  number: string;
  name: string;
  kind: 'emergency' | 'unit';
  unitId: string | null;
  ringTimeoutSeconds: number;
  active: boolean;
  updatedBy: string | null;
  updatedAt: Date;
}

export interface CallTransferView {
  id: string;
  callId: string;
  destinationNumber: string;
  destinationName: string;
  emergency: boolean;
  mode: 'warm' | 'blind';
  agentId: string | null;
  requestedBy: string;
  state: string;
  outcome: string | null;
  hangupCause: number | null;
  startedAt: Date;
  answeredAt: Date | null;
  conferenceAt: Date | null;
  endedAt: Date | null;
}

export class TransferDestinationNotFoundError extends DomainError {
  readonly kind = DomainErrorKind.NotFound;
  constructor(id: string) {
    super('TRANSFER_DESTINATION_NOT_FOUND', `No transfer destination ${id}`, { id });
  }
}

export class TransferDestinationNumberTakenError extends DomainError {
  readonly kind = DomainErrorKind.Conflict;
  constructor(number: string) {
    super('TRANSFER_DESTINATION_NUMBER_TAKEN', `${number} is on the allow-list already`, { number });
  }
}

const DESTINATION = `id, number, name, kind, unit_id AS "unitId", ring_timeout_seconds AS "ringTimeoutSeconds", active, updated_by AS "updatedBy", updated_at AS "updatedAt"`;
const TRANSFER = `id, call_id AS "callId", destination_number AS "destinationNumber", destination_name AS "destinationName", emergency, mode,
  agent_id AS "agentId", requested_by AS "requestedBy", state, outcome, hangup_cause AS "hangupCause", started_at AS "startedAt",
  answered_at AS "answeredAt", conference_at AS "conferenceAt", ended_at AS "endedAt"`;

/**
 * The transfer allow-list (ivr_transfer_destinations: the IVR's transfer node and agents share it) and the
 * transfer trail of calls (call_transfers), as the api reads and edits them.
 */
@Injectable()
export class TransferDestinationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(): Promise<TransferDestinationView[]> {
    return this.dataSource.query(`SELECT ${DESTINATION} FROM ivr_transfer_destinations ORDER BY kind, number`);
  }

  /** An active entry by id or by number. */
  async active(idOrNumber: string): Promise<TransferDestinationView | null> {
    const column = /^[0-9]+$/.test(idOrNumber) ? 'number' : 'id';
    const rows: TransferDestinationView[] = await this.dataSource.query(`SELECT ${DESTINATION} FROM ivr_transfer_destinations WHERE ${column} = $1 AND active`, [idOrNumber]);
    return rows[0] ?? null;
  }

  async create(body: DestinationBody, by: string): Promise<TransferDestinationView> {
    const rows: TransferDestinationView[] = await this.dataSource
      .query(
        `INSERT INTO ivr_transfer_destinations (number, name, kind, unit_id, ring_timeout_seconds, active, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (number) DO NOTHING RETURNING ${DESTINATION}`,
        [body.number, body.name, body.kind, body.unitId, body.ringTimeoutSeconds, body.active, by],
      );
    if (!rows[0]) throw new TransferDestinationNumberTakenError(body.number);
    return rows[0];
  }

  async update(id: string, body: DestinationBody, by: string): Promise<TransferDestinationView> {
    const clash: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM ivr_transfer_destinations WHERE number = $1 AND id <> $2`, [body.number, id]);
    if (clash.length > 0) throw new TransferDestinationNumberTakenError(body.number);
    const [rows]: [TransferDestinationView[], number] = await this.dataSource.query(
      `UPDATE ivr_transfer_destinations SET number = $2, name = $3, kind = $4, unit_id = $5, ring_timeout_seconds = $6, active = $7, updated_by = $8, updated_at = now()
       WHERE id = $1 RETURNING ${DESTINATION}`,
      [id, body.number, body.name, body.kind, body.unitId, body.ringTimeoutSeconds, body.active, by],
    );
    if (!rows[0]) throw new TransferDestinationNotFoundError(id);
    return rows[0];
  }

  async callStatus(callId: string): Promise<string | null> {
    const rows: Array<{ status: string }> = await this.dataSource.query(`SELECT status FROM calls WHERE id = $1`, [callId]);
    return rows[0]?.status ?? null;
  }

  /** The trail of every call linked to an order (work_order_calls), oldest first. */
  transfersOfOrder(orderId: string): Promise<CallTransferView[]> {
    return this.dataSource.query(
      `SELECT ${TRANSFER} FROM call_transfers WHERE call_id IN (SELECT call_id FROM work_order_calls WHERE order_id = $1) ORDER BY started_at`,
      [orderId],
    );
  }

  transfersOfCall(callId: string): Promise<CallTransferView[]> {
    return this.dataSource.query(`SELECT ${TRANSFER} FROM call_transfers WHERE call_id = $1 ORDER BY started_at`, [callId]);
  }
}
