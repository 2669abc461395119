import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SlaPreset, slaPresetSchema } from './sla-preset.schema';

export abstract class SlaPresetRepository {
  /** Stores a preset version; an existing version must be identical, published rules never change in place. */
  abstract publish(preset: SlaPreset): Promise<'inserted' | 'unchanged'>;
  abstract find(code: string, version: number): Promise<SlaPreset | null>;
  abstract latest(code: string): Promise<SlaPreset | null>;
  abstract list(): Promise<SlaPreset[]>;
}

export class PublishedPresetChangedError extends Error {
  constructor(readonly code: string, readonly version: number) {
    super(`SLA preset ${code} v${version} is already published with different rules: add a new version instead`);
    this.name = 'PublishedPresetChangedError';
  }
}

interface PresetRow {
  code: string;
  version: number;
  name: string;
  source: string;
  rules: unknown;
}

@Injectable()
export class PostgresSlaPresetRepository extends SlaPresetRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async publish(preset: SlaPreset): Promise<'inserted' | 'unchanged'> {
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO sla_presets (code, version, name, source, rules) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code, version) DO NOTHING RETURNING code`,
      [preset.code, preset.version, preset.name, preset.source, JSON.stringify(preset.rules)],
    );
    if (inserted.length > 0) return 'inserted';
    const stored = await this.find(preset.code, preset.version);
    // jsonb normalises key order, so compare parsed values, not text.
    if (!stored || !sameJson(stored.rules, preset.rules)) throw new PublishedPresetChangedError(preset.code, preset.version);
    return 'unchanged';
  }

  async find(code: string, version: number): Promise<SlaPreset | null> {
    const rows: PresetRow[] = await this.dataSource.query(
      `SELECT code, version, name, source, rules FROM sla_presets WHERE code = $1 AND version = $2`,
      [code, version],
    );
    return rows[0] ? toPreset(rows[0]) : null;
  }

  async latest(code: string): Promise<SlaPreset | null> {
    const rows: PresetRow[] = await this.dataSource.query(
      `SELECT code, version, name, source, rules FROM sla_presets WHERE code = $1 ORDER BY version DESC LIMIT 1`,
      [code],
    );
    return rows[0] ? toPreset(rows[0]) : null;
  }

  async list(): Promise<SlaPreset[]> {
    const rows: PresetRow[] = await this.dataSource.query(
      `SELECT DISTINCT ON (code) code, version, name, source, rules FROM sla_presets ORDER BY code, version DESC`,
    );
    return rows.map(toPreset);
  }
}

function toPreset(row: PresetRow): SlaPreset {
  return slaPresetSchema.parse({ ...row, version: Number(row.version) });
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, inner]) => [key, sortKeys(inner)]),
    );
  }
  return value;
}
