import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface StoredFlowVersion {
  name: string;
  version: number;
  document: unknown;
  createdBy: string;
  createdAt: Date;
}

export interface FlowSummary {
  name: string;
  publishedVersion: number | null;
  latestVersion: number;
  updatedAt: Date;
}

export interface FlowPublication {
  version: number;
  action: 'publish' | 'rollback';
  publishedBy: string;
  publishedAt: Date;
}

/** IVR flows and their immutable versions in Postgres. */
@Injectable()
export class IvrFlowRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(): Promise<FlowSummary[]> {
    const rows: Array<{ name: string; published_version: number | null; latest: number; updated_at: Date }> = await this.dataSource.query(
      `SELECT f.name, f.published_version, max(v.version)::int AS latest, f.updated_at
       FROM ivr_flows f JOIN ivr_flow_versions v ON v.flow_name = f.name GROUP BY f.name ORDER BY f.name`,
    );
    return rows.map((row) => ({ name: row.name, publishedVersion: row.published_version, latestVersion: row.latest, updatedAt: row.updated_at }));
  }

  async exists(name: string): Promise<boolean> {
    return ((await this.dataSource.query(`SELECT 1 FROM ivr_flows WHERE name = $1`, [name])) as unknown[]).length > 0;
  }

  async version(name: string, version: number): Promise<StoredFlowVersion | null> {
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT flow_name, version, document, created_by, created_at FROM ivr_flow_versions WHERE flow_name = $1 AND version = $2`,
      [name, version],
    );
    return rows[0] ? toVersion(rows[0]) : null;
  }

  async versions(name: string): Promise<StoredFlowVersion[]> {
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT flow_name, version, document, created_by, created_at FROM ivr_flow_versions WHERE flow_name = $1 ORDER BY version`,
      [name],
    );
    return rows.map(toVersion);
  }

  /** The published version of every flow: what call-control runs. */
  async published(): Promise<StoredFlowVersion[]> {
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT v.flow_name, v.version, v.document, v.created_by, v.created_at
       FROM ivr_flows f JOIN ivr_flow_versions v ON v.flow_name = f.name AND v.version = f.published_version`,
    );
    return rows.map(toVersion);
  }

  /** Stores a new version (numbers are per flow and gap-free: the flow row is locked while numbering). */
  async addVersion(name: string, document: unknown, createdBy: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO ivr_flows (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
      await manager.query(`SELECT 1 FROM ivr_flows WHERE name = $1 FOR UPDATE`, [name]);
      const [{ next }] = (await manager.query(`SELECT coalesce(max(version), 0) + 1 AS next FROM ivr_flow_versions WHERE flow_name = $1`, [name])) as Array<{ next: number }>;
      await manager.query(`INSERT INTO ivr_flow_versions (flow_name, version, document, created_by) VALUES ($1, $2, $3, $4)`, [name, next, JSON.stringify(document), createdBy]);
      await manager.query(`UPDATE ivr_flows SET updated_at = now() WHERE name = $1`, [name]);
      return Number(next);
    });
  }

  async publish(name: string, version: number, action: 'publish' | 'rollback', by: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE ivr_flows SET published_version = $2, updated_at = now() WHERE name = $1`, [name, version]);
      await manager.query(`INSERT INTO ivr_flow_publications (flow_name, version, action, published_by) VALUES ($1, $2, $3, $4)`, [name, version, action, by]);
    });
  }

  /** Newest first. */
  async publications(name: string): Promise<FlowPublication[]> {
    const rows: Array<{ version: number; action: 'publish' | 'rollback'; published_by: string; published_at: Date }> = await this.dataSource.query(
      `SELECT version, action, published_by, published_at FROM ivr_flow_publications WHERE flow_name = $1 ORDER BY id DESC`,
      [name],
    );
    return rows.map((row) => ({ version: row.version, action: row.action, publishedBy: row.published_by, publishedAt: row.published_at }));
  }

  async allowedTransferNumbers(): Promise<Set<string>> {
    const rows: Array<{ number: string }> = await this.dataSource.query(`SELECT number FROM ivr_transfer_destinations WHERE active`);
    return new Set(rows.map((row) => row.number));
  }
}

interface VersionRow {
  flow_name: string;
  version: number;
  document: unknown;
  created_by: string;
  created_at: Date;
}

function toVersion(row: VersionRow): StoredFlowVersion {
  return { name: row.flow_name, version: row.version, document: row.document, createdBy: row.created_by, createdAt: row.created_at };
}
