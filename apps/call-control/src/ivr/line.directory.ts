import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { HotlineLine, HotlineLineRepository } from '@hotline/ivr';
import { AMI_GATEWAY, AmiGateway } from '@hotline/telephony';

/** AstDB family the dialplan checks (extensions.conf, [from-carrier]). */
export const LINES_ASTDB_FAMILY = 'hotline-lines';

/**
 * The lines callers dial (DNIS), from Postgres. Each active line is mirrored into Asterisk's AstDB so
 * the dialplan admits it and sends it to Stasis with the DNIS; inactive lines are removed, so they get
 * 404 before answer again. Re-applied on every AMI login (Asterisk may have been replaced) and on reload.
 */
@Injectable()
export class LineDirectory implements OnApplicationBootstrap {
  private readonly logger = new Logger(LineDirectory.name);
  private lines = new Map<string, HotlineLine>();

  constructor(
    private readonly repository: HotlineLineRepository,
    @Inject(AMI_GATEWAY) private readonly ami: AmiGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.ami.onConnected(() => void this.reload().catch((error: Error) => this.logger.error(`Syncing lines to Asterisk failed: ${error.message}`)));
  }

  /**
   * The line for a dialled number. The hotline number itself always resolves (to its row, or to the
   * general skill), so a missing row never turns 12345 callers away.
   */
  resolve(dialed: string): HotlineLine | null {
    const line = this.lines.get(dialed);
    if (line?.active) return line;
    if (dialed === this.config.HOTLINE_NUMBER) {
      return { number: dialed, name: '12345', skill: 'general', flowName: 'default', priorityWeight: 0, mode: 'primary', active: true };
    }
    return null;
  }

  all(): HotlineLine[] {
    return [...this.lines.values()];
  }

  async reload(): Promise<void> {
    const lines = await this.repository.list();
    this.lines = new Map(lines.map((line) => [line.number, line]));
    if (!this.ami.isConnected()) return; // applied on the next login
    for (const line of lines) {
      if (line.active) await this.ami.action({ action: 'DBPut', family: LINES_ASTDB_FAMILY, key: line.number, val: line.skill });
      else await this.ami.action({ action: 'DBDel', family: LINES_ASTDB_FAMILY, key: line.number }).catch((error: Error) => {
        // DBDel of a key that was never there fails; that is the state we want.
        this.logger.debug(`DBDel ${line.number}: ${error.message}`);
        return {};
      });
    }
    this.logger.log(`Lines in Asterisk: ${lines.filter((line) => line.active).map((line) => line.number).join(', ')}`);
  }
}
