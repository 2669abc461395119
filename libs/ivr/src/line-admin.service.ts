import { Injectable, Logger } from '@nestjs/common';
import { HotlineLine, HotlineLineRepository, LineChange } from './hotline-line.repository';
import { IvrFlowNotFoundError, SkillNotFoundError } from './ivr.errors';

/** Lines (DNIS) as data: each routes to a skill's queue through a published flow. */
@Injectable()
export class LineAdminService {
  private readonly logger = new Logger(LineAdminService.name);

  constructor(private readonly lines: HotlineLineRepository) {}

  list(): Promise<HotlineLine[]> {
    return this.lines.list();
  }

  async save(number: string, change: LineChange, by: string): Promise<HotlineLine> {
    if (!(await this.lines.skillExists(change.skill))) throw new SkillNotFoundError(change.skill);
    if (!(await this.lines.flowExists(change.flowName))) throw new IvrFlowNotFoundError(change.flowName);
    const line = await this.lines.upsert(number, change);
    this.logger.log(`Line ${number} (${line.name}) → skill ${line.skill}, flow ${line.flowName}, ${line.active ? 'active' : 'inactive'}; by ${by}`);
    return line;
  }
}
