import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { SlaPreset } from './sla-preset.schema';
import { SlaPresetRepository } from './sla-preset.repository';
import { SLA_PRESETS } from './sla-presets.data';

/**
 * The presets in force. At start the versioned data file is published into Postgres (new versions added,
 * published ones verified unchanged), then the deployment's preset is read back from there, so what the
 * orders reference is what the database holds.
 */
@Injectable()
export class SlaPresetCatalog implements OnModuleInit {
  private readonly logger = new Logger(SlaPresetCatalog.name);
  private activePreset: SlaPreset | null = null;

  constructor(private readonly repository: SlaPresetRepository, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    await this.sync();
  }

  async sync(): Promise<void> {
    for (const preset of SLA_PRESETS) {
      const outcome = await this.repository.publish(preset);
      if (outcome === 'inserted') this.logger.log(`Published SLA preset ${preset.code} v${preset.version}`);
    }
    const active = await this.repository.latest(this.config.SLA_PRESET);
    if (!active) {
      const known = SLA_PRESETS.map((preset) => preset.code).join(', ');
      throw new Error(`SLA_PRESET=${this.config.SLA_PRESET} is not a known preset (known: ${known})`);
    }
    this.activePreset = active;
    this.logger.log(`Deadlines follow ${active.code} v${active.version} (${active.name})`);
  }

  /** The deployment's preset; new orders are taken under it. */
  active(): SlaPreset {
    if (!this.activePreset) throw new Error('SlaPresetCatalog used before sync()');
    return this.activePreset;
  }

  /** The exact version an existing order was taken under. */
  async version(code: string, version: number): Promise<SlaPreset> {
    if (this.activePreset && this.activePreset.code === code && this.activePreset.version === version) return this.activePreset;
    const preset = await this.repository.find(code, version);
    if (!preset) throw new Error(`SLA preset ${code} v${version} is referenced but not stored`);
    return preset;
  }

  list(): Promise<SlaPreset[]> {
    return this.repository.list();
  }
}
