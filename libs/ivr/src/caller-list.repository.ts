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

/** The centre's caller lists: 适老化 (elderly callers get priority), VIP, blocked (abusive callers, after warnings). */
@Injectable()
export class CallerListRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async listsOf(number: string): Promise<Set<CallerListName>> {
    const rows: Array<{ list: CallerListName }> = await this.dataSource.query(`SELECT list FROM caller_lists WHERE number = $1`, [number]);
    return new Set(rows.map((row) => row.list));
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

  /** Calls from this number since `since` (this one included): the repeat-caller rule. */
  async callsSince(number: string, since: Date): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(`SELECT count(*)::int AS n FROM calls WHERE caller_number = $1 AND started_at >= $2`, [number, since]);
    return rows[0]?.n ?? 0;
  }
}
