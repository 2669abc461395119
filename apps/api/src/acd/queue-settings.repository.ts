import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueueSettings } from '@hotline/acd';

/** What the admin sets for a skill's queue (the skill itself is the key). */
export type QueueSettingsInput = Omit<QueueSettings, 'skill'>;

/** Writes a skill and its queue's settings (acd_skills); reads go through AcdAdminRepository. */
@Injectable()
export class QueueSettingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async save(skill: string, settings: QueueSettingsInput): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO acd_skills (code, name, ring_timeout_seconds, wrap_up_seconds, announce_every_seconds, max_wait_seconds, overflow_skill, callback_offer, service_level_seconds, min_level)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (code) DO UPDATE SET name = $2, ring_timeout_seconds = $3, wrap_up_seconds = $4, announce_every_seconds = $5, max_wait_seconds = $6,
         overflow_skill = $7, callback_offer = $8, service_level_seconds = $9, min_level = $10, updated_at = now()`,
      [skill, settings.name, settings.ringTimeoutSeconds, settings.wrapUpSeconds, settings.announceEverySeconds, settings.maxWaitSeconds, settings.overflowSkill, settings.callbackOffer, settings.serviceLevelSeconds, settings.minLevel],
    );
  }
}
