import { Injectable } from '@nestjs/common';
import { AcdAdminRepository } from '@hotline/acd';
import { InvalidOverflowError } from './acd-commands.service';
import { QueueSettingsInput, QueueSettingsRepository } from './queue-settings.repository';

/** Creates or changes a skill and its queue: the overflow target must be another skill that exists. */
@Injectable()
export class QueueSettingsService {
  constructor(private readonly repository: AcdAdminRepository, private readonly settings: QueueSettingsRepository) {}

  async save(skill: string, settings: QueueSettingsInput): Promise<Record<string, unknown>> {
    if (settings.overflowSkill !== null) {
      if (settings.overflowSkill === skill) throw new InvalidOverflowError(skill, settings.overflowSkill, 'self');
      if (!(await this.repository.skillExists(settings.overflowSkill))) throw new InvalidOverflowError(skill, settings.overflowSkill, 'unknown');
    }
    await this.settings.save(skill, settings);
    return (await this.repository.queues()).find((queue) => queue.skill === skill)!;
  }
}
