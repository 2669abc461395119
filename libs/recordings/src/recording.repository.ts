import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FinalisedRecordingFacts, RecordingRecord, RecordingRef } from './recording.types';

interface RecordingRow {
  id: string;
  call_id: string;
  kind: RecordingRecord['kind'];
  channel_id: string;
  file_path: string;
  format: 'wav';
  status: RecordingRecord['status'];
  started_at: Date;
  ended_at: Date | null;
  duration_ms: number | null;
  size_bytes: string | null;
  sha256: string | null;
}

const COLUMNS = 'id, call_id, kind, channel_id, file_path, format, status, started_at, ended_at, duration_ms, size_bytes, sha256';

/** Recordings' metadata in Postgres; the audio itself stays in the store. Shared by call-control (writes) and api (reads). */
@Injectable()
export class RecordingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The row as finalised; null when there is no such recording. */
  async finalise(ref: RecordingRef, facts: FinalisedRecordingFacts): Promise<RecordingRecord | null> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows]: [RecordingRow[], number] = await this.dataSource.query(
      `UPDATE recordings SET status = 'finalised', ended_at = $2, duration_ms = $3, size_bytes = $4, sha256 = $5, updated_at = now()
       WHERE ${whereRef(ref)} RETURNING ${COLUMNS}`,
      [refValue(ref), facts.endedAt, facts.durationMs, facts.sizeBytes, facts.sha256],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The row as marked; null when there is no such recording still recording. */
  async markMissing(ref: RecordingRef, endedAt: Date): Promise<RecordingRecord | null> {
    const [rows]: [RecordingRow[], number] = await this.dataSource.query(
      `UPDATE recordings SET status = 'missing', ended_at = $2, updated_at = now() WHERE ${whereRef(ref)} AND status = 'recording' RETURNING ${COLUMNS}`,
      [refValue(ref), endedAt],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findById(id: string): Promise<RecordingRecord | null> {
    const rows: RecordingRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM recordings WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async listByCall(callId: string): Promise<RecordingRecord[]> {
    const rows: RecordingRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM recordings WHERE call_id = $1 ORDER BY started_at, id`, [callId]);
    return rows.map(toRecord);
  }

  /** The call's status ('ringing' | 'answered' | 'ended'), or null when there is no such call. */
  async callStatus(callId: string): Promise<string | null> {
    const rows: Array<{ status: string }> = await this.dataSource.query(`SELECT status FROM calls WHERE id = $1`, [callId]);
    return rows[0]?.status ?? null;
  }

  /** Recordings whose call has ended but that were never finalised (call-control died in between). */
  async listUnfinalisedOfEndedCalls(): Promise<RecordingRecord[]> {
    const rows: RecordingRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS.split(', ').map((column) => `r.${column}`).join(', ')}
       FROM recordings r JOIN calls c ON c.id = r.call_id
       WHERE r.status = 'recording' AND c.status = 'ended'`,
    );
    return rows.map(toRecord);
  }
}

function whereRef(ref: RecordingRef): string {
  return 'id' in ref ? 'id = $1' : 'file_path = $1';
}

function refValue(ref: RecordingRef): string {
  return 'id' in ref ? ref.id : ref.filePath;
}

function toRecord(row: RecordingRow): RecordingRecord {
  return {
    id: row.id,
    callId: row.call_id,
    kind: row.kind,
    channelId: row.channel_id,
    filePath: row.file_path,
    format: row.format,
    status: row.status,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    sha256: row.sha256,
  };
}
