import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface RecordingAccess {
  recordingId: string;
  callId: string;
  userId: string | null;
  username: string;
  byteRange: string | null;
}

/** recording_access_audit: append-only; the database dates each row with its own clock. */
@Injectable()
export class RecordingAccessAuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(access: RecordingAccess): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO recording_access_audit (recording_id, call_id, user_id, username, byte_range, read_at) VALUES ($1, $2, $3, $4, $5, now())`,
      [access.recordingId, access.callId, access.userId, access.username, access.byteRange],
    );
  }
}
