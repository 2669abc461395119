import { Injectable } from '@nestjs/common';
import { Sql } from './pg-transaction';
import { bigramSet, similarity } from './search-tokens';
import { OPEN_STATUSES, WorkOrderStatus } from './work-order.types';

export interface DuplicateCandidate {
  id: string;
  number: string;
  status: WorkOrderStatus;
  handleDueAt: Date | null;
  leadUnitId: string | null;
  similarity: number;
}

export interface DuplicateCheck {
  /** Open, within its deadline: the caller should get this order's progress instead of a new order. */
  openWithinDeadline: DuplicateCandidate[];
  /** Open but overdue: a new report is accepted, and the old order is supervised for the repeat. */
  openOverdue: DuplicateCandidate[];
  /** Closed with an answer: a new report is flagged as repeated after a clear answer. */
  answered: DuplicateCandidate[];
}

/** Dice similarity of the matters' character pairs at or above which two reports are "the same matter". */
export const SAME_MATTER_THRESHOLD = 0.5;
/** How far back a caller's earlier orders are compared. */
const LOOKBACK_DAYS = 180;

/**
 * Finds the same caller's earlier reports of a similar matter. Similarity is computed here on character
 * pairs rather than in SQL, so it does not depend on the database's locale; a caller has few orders, and the
 * phone index finds them.
 */
@Injectable()
export class DuplicateDetector {
  async check(tx: Sql, input: { callerPhone: string; subject: string; content: string; now: Date }): Promise<DuplicateCheck> {
    const { rows } = await tx.query<{
      id: string;
      number: string;
      status: WorkOrderStatus;
      handle_due_at: Date | null;
      lead_unit_id: string | null;
      subject: string;
      content: string;
    }>(
      `SELECT id, number, status, handle_due_at, lead_unit_id, subject, content FROM work_orders
       WHERE caller_phone = $1 AND received_at > $2::timestamptz - make_interval(days => $3)
         AND status NOT IN ('not_accepted', 'transferred')
       ORDER BY received_at DESC LIMIT 50`,
      [input.callerPhone, input.now, LOOKBACK_DAYS],
    );
    const wanted = bigramSet(`${input.subject} ${input.content}`);
    const result: DuplicateCheck = { openWithinDeadline: [], openOverdue: [], answered: [] };
    for (const row of rows) {
      const score = similarity(wanted, bigramSet(`${row.subject} ${row.content}`));
      if (score < SAME_MATTER_THRESHOLD) continue;
      const candidate: DuplicateCandidate = {
        id: row.id,
        number: row.number,
        status: row.status,
        handleDueAt: row.handle_due_at,
        leadUnitId: row.lead_unit_id,
        similarity: Math.round(score * 100) / 100,
      };
      if (OPEN_STATUSES.has(row.status)) {
        const overdue = row.handle_due_at !== null && row.handle_due_at.getTime() <= input.now.getTime();
        (overdue ? result.openOverdue : result.openWithinDeadline).push(candidate);
      } else {
        result.answered.push(candidate);
      }
    }
    return result;
  }
}
