import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NORMAL_CLEARING } from '@hotline/telephony';

/** Marks, in the call records, the calls an Asterisk restart took down. */
@Injectable()
export class LostCallRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A graceful restart (`core restart now`) hangs every channel up just before ARI goes away, so those calls
   * are already closed, with Asterisk's shutdown cause. The ones closed in that window by anything but a
   * person hanging up (normal clearing) get the cause text that says what happened; ids of those changed.
   */
  async markEndedInWindow(from: Date, to: Date, causeText: string): Promise<string[]> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows]: [Array<{ id: string }>, number] = await this.dataSource.query(
      `UPDATE calls SET hangup_cause_text = $3, updated_at = now()
       WHERE status = 'ended' AND ended_at BETWEEN $1 AND $2 AND coalesce(hangup_cause, 0) <> $4 AND hangup_cause_text IS DISTINCT FROM $3
       RETURNING id`,
      [from, to, causeText, NORMAL_CLEARING],
    );
    return rows.map((row) => row.id);
  }
}
