import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type CallerListName = 'elderly' | 'vip' | 'blocked';

export interface CallerListEntry {
  list: CallerListName;
  number: string;
  note: string | null;
  addedBy: string;
  addedAt: Date;
}

/** What the call path needs to know about a caller, read in one statement once per call. */
export interface CallerProfile {
  lists: Set<CallerListName>;
  /** Other calls from the number since the instant asked for; the current call is never counted. */
  earlierCalls: number;
}

/** The centre's caller lists: 适老化 (elderly callers get priority), VIP, blocked (abusive callers, after warnings). */
@Injectable()
export class CallerListRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The lists the number is on and its other calls since `since`, in one round trip. `callId` (the current
   * call) is left out of the count, written yet or not: its row is written behind the call.
   */
  async profileOf(number: string, since: Date, callId: string): Promise<CallerProfile> {
    const rows: Array<{ lists: CallerListName[]; earlier_calls: number }> = await this.dataSource.query(
      `SELECT coalesce((SELECT array_agg(list) FROM caller_lists WHERE number = $1), '{}') AS lists,
              (SELECT count(*)::int FROM calls WHERE caller_number = $1 AND started_at >= $2 AND id <> $3) AS earlier_calls`,
      [number, since, callId],
    );
    return { lists: new Set(rows[0]?.lists ?? []), earlierCalls: rows[0]?.earlier_calls ?? 0 };
  }

  async entries(list: CallerListName): Promise<CallerListEntry[]> {
    const rows: Array<{ list: CallerListName; number: string; note: string | null; added_by: string; added_at: Date }> = await this.dataSource.query(
      `SELECT list, number, note, added_by, added_at FROM caller_lists WHERE list = $1 ORDER BY added_at DESC`,
      [list],
    );
    return rows.map((row) => ({ list: row.list, number: row.number, note: row.note, addedBy: row.added_by, addedAt: row.added_at }));
  }

  async add(list: CallerListName, number: string, note: string | null, addedBy: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO caller_lists (list, number, note, added_by) VALUES ($1, $2, $3, $4) ON CONFLICT (list, number) DO UPDATE SET note = $3, added_by = $4, added_at = now()`,
      [list, number, note, addedBy],
    );
  }

  async remove(list: CallerListName, number: string): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(`DELETE FROM caller_lists WHERE list = $1 AND number = $2`, [list, number]);
    return result[1] > 0;
  }

  /** Other calls from this number since `since`, the current call (`callId`, written yet or not) left out. */
  async callsSince(number: string, since: Date, callId: string): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(`SELECT count(*)::int AS n FROM calls WHERE caller_number = $1 AND started_at >= $2 AND id <> $3`, [
      number,
      since,
      callId,
    ]);
    return rows[0]?.n ?? 0;
  }
}
