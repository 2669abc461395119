import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface NewCallOrderDraft {
  callId: string;
  kind: 'call' | 'voice_message';
  callerNumber: string | null;
  lineTag: string | null;
  agentId: string | null;
  openOrderId: string | null;
  recordingId: string | null;
}

/**
 * The call side of call ↔ work order (call_order_drafts). Opened when an agent answers (or a caller leaves
 * a message); the work-order context closes it when an intake names this call (work_order_calls).
 */
@Injectable()
export class CallOrderDraftRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Idempotent per call and kind (a re-adopted call does not open a second draft). */
  async open(draft: NewCallOrderDraft): Promise<string> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO call_order_drafts (call_id, kind, caller_number, line_tag, agent_id, open_order_id, recording_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (call_id, kind) DO UPDATE SET updated_at = call_order_drafts.updated_at
       RETURNING id`,
      [draft.callId, draft.kind, draft.callerNumber, draft.lineTag, draft.agentId, draft.openOrderId, draft.recordingId],
    );
    return rows[0]!.id;
  }
}
