import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type LineMode = 'primary' | 'integrated' | 'dual_track';

/** A number callers dial (DNIS): the hotline itself or an integrated line, with its skill and flow. */
export interface HotlineLine {
  number: string;
  name: string;
  skill: string;
  flowName: string;
  priorityWeight: number;
  mode: LineMode;
  active: boolean;
}

export type LineChange = Omit<HotlineLine, 'number'>;

interface LineRow {
  number: string;
  name: string;
  skill: string;
  flow_name: string;
  priority_weight: number;
  mode: LineMode;
  active: boolean;
}

/** Lines as data (seed 001's integrated hotlines); call-control mirrors the active ones into AstDB. */
@Injectable()
export class HotlineLineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(): Promise<HotlineLine[]> {
    const rows: LineRow[] = await this.dataSource.query(`SELECT number, name, skill, flow_name, priority_weight, mode, active FROM hotline_lines ORDER BY number`);
    return rows.map(toLine);
  }

  async get(number: string): Promise<HotlineLine | null> {
    const rows: LineRow[] = await this.dataSource.query(`SELECT number, name, skill, flow_name, priority_weight, mode, active FROM hotline_lines WHERE number = $1`, [number]);
    return rows[0] ? toLine(rows[0]) : null;
  }

  async upsert(number: string, line: LineChange): Promise<HotlineLine> {
    const rows: LineRow[] = await this.dataSource.query(
      `INSERT INTO hotline_lines (number, name, skill, flow_name, priority_weight, mode, active) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (number) DO UPDATE SET name = $2, skill = $3, flow_name = $4, priority_weight = $5, mode = $6, active = $7, updated_at = now()
       RETURNING number, name, skill, flow_name, priority_weight, mode, active`,
      [number, line.name, line.skill, line.flowName, line.priorityWeight, line.mode, line.active],
    );
    return toLine(rows[0]!);
  }

  async skillExists(skill: string): Promise<boolean> {
    return ((await this.dataSource.query(`SELECT 1 FROM acd_skills WHERE code = $1`, [skill])) as unknown[]).length > 0;
  }

  async flowExists(name: string): Promise<boolean> {
    return ((await this.dataSource.query(`SELECT 1 FROM ivr_flows WHERE name = $1 AND published_version IS NOT NULL`, [name])) as unknown[]).length > 0;
  }
}

function toLine(row: LineRow): HotlineLine {
  return { number: row.number, name: row.name, skill: row.skill, flowName: row.flow_name, priorityWeight: row.priority_weight, mode: row.mode, active: row.active };
}
