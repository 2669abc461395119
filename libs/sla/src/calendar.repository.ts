import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CalendarOverride } from './working-day-calendar';

export abstract class CalendarRepository {
  abstract overrides(): Promise<CalendarOverride[]>;
  abstract upsertOverride(override: CalendarOverride, userId: string | null): Promise<void>;
  abstract deleteOverride(date: string): Promise<boolean>;
  abstract officialYears(): Promise<number[]>;
  /** An admin states that the year's official schedule is now fully entered as overrides. */
  abstract declareOfficialYear(year: number, userId: string | null): Promise<void>;
}

@Injectable()
export class PostgresCalendarRepository extends CalendarRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async overrides(): Promise<CalendarOverride[]> {
    const rows: { day: string; workday: boolean; note: string }[] = await this.dataSource.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, workday, note FROM calendar_overrides ORDER BY day`,
    );
    return rows.map((row) => ({ date: row.day, workday: row.workday, note: row.note }));
  }

  async upsertOverride(override: CalendarOverride, userId: string | null): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO calendar_overrides (day, workday, note, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (day) DO UPDATE SET workday = EXCLUDED.workday, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [override.date, override.workday, override.note, userId],
    );
  }

  async deleteOverride(date: string): Promise<boolean> {
    // A CTE so the driver returns rows: TypeORM reshapes the result of a bare DELETE.
    const rows: { deleted: number }[] = await this.dataSource.query(
      `WITH deleted AS (DELETE FROM calendar_overrides WHERE day = $1 RETURNING day) SELECT count(*)::int AS deleted FROM deleted`,
      [date],
    );
    return rows[0].deleted > 0;
  }

  async officialYears(): Promise<number[]> {
    const rows: { year: number }[] = await this.dataSource.query(`SELECT year FROM calendar_official_years ORDER BY year`);
    return rows.map((row) => Number(row.year));
  }

  async declareOfficialYear(year: number, userId: string | null): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO calendar_official_years (year, declared_by) VALUES ($1, $2) ON CONFLICT (year) DO NOTHING`,
      [year, userId],
    );
  }
}
