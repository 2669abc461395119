import { Injectable, Logger } from '@nestjs/common';
import { IvrFlowDocument, IvrFlowRepository, validateIvrFlow } from '@hotline/ivr';

export interface LoadedFlow {
  name: string;
  version: number;
  document: IvrFlowDocument;
}

/** Re-read at least this often even without a reload command (a missed Redis message must not last). */
const MAX_AGE_MS = 60_000;

/**
 * The published flows call-control runs. Reloaded on the api's config.reload command after a publish or
 * rollback, so new calls take the new version at once; a call already in the IVR keeps the version it
 * started with (it holds its LoadedFlow).
 */
@Injectable()
export class IvrFlowCatalog {
  private readonly logger = new Logger(IvrFlowCatalog.name);
  private flows = new Map<string, LoadedFlow>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(private readonly repository: IvrFlowRepository) {}

  async get(name: string): Promise<LoadedFlow | null> {
    if (Date.now() - this.loadedAt > MAX_AGE_MS || !this.flows.has(name)) {
      try {
        await this.reload();
      } catch (error) {
        // Postgres unreachable: callers get the flow last loaded rather than no IVR at all.
        if (!this.flows.has(name)) throw error;
        this.logger.warn(`IVR flows not refreshed (${(error as Error).message}); serving ${name} v${this.flows.get(name)!.version} as last loaded`);
      }
    }
    return this.flows.get(name) ?? null;
  }

  /** Loads every published flow; a version that no longer validates keeps its predecessor running. */
  reload(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  versions(): Record<string, number> {
    return Object.fromEntries([...this.flows.values()].map((flow) => [flow.name, flow.version]));
  }

  private async load(): Promise<void> {
    const next = new Map<string, LoadedFlow>();
    for (const stored of await this.repository.published()) {
      const result = validateIvrFlow(stored.document);
      if (!result.ok) {
        this.logger.error(`Published IVR flow ${stored.name} v${stored.version} does not validate (${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}); keeping the previous one`);
        const previous = this.flows.get(stored.name);
        if (previous) next.set(stored.name, previous);
        continue;
      }
      const before = this.flows.get(stored.name);
      if (before && before.version !== stored.version) this.logger.log(`IVR flow ${stored.name}: now running version ${stored.version} (was ${before.version})`);
      next.set(stored.name, { name: stored.name, version: stored.version, document: result.flow });
    }
    this.flows = next;
    this.loadedAt = Date.now();
  }
}
