import { Injectable, Logger } from '@nestjs/common';
import { IvrFlowDocument } from './ivr-flow.schema';
import { IvrFlowRepository, StoredFlowVersion } from './ivr-flow.repository';
import { IvrFlowIssue, IvrFlowValidation, validateIvrFlow } from './ivr-flow.validator';
import { InvalidIvrFlowError, IvrFlowNotFoundError, IvrFlowVersionNotFoundError, NothingToRollBackToError, TransferNotAllowedError } from './ivr.errors';

export interface FlowVersionView {
  name: string;
  version: number;
  document: IvrFlowDocument;
  createdBy: string;
  createdAt: string;
  published: boolean;
}

/**
 * The editing side of IVR flows: validate, save as a new version, publish, roll back. A version is
 * checked again when published (the transfer allow-list may have changed since it was saved), and a
 * version that fails is never published.
 */
@Injectable()
export class IvrFlowAdminService {
  private readonly logger = new Logger(IvrFlowAdminService.name);

  constructor(private readonly flows: IvrFlowRepository) {}

  validate(document: unknown): IvrFlowValidation {
    return validateIvrFlow(document);
  }

  async createVersion(name: string, document: unknown, createdBy: string): Promise<{ version: number; warnings: IvrFlowIssue[] }> {
    const result = validateIvrFlow(document);
    if (!result.ok) throw new InvalidIvrFlowError(result.issues);
    // The document as written (not with defaults filled): what the author sees when reading it back.
    const version = await this.flows.addVersion(name, document, createdBy);
    this.logger.log(`IVR flow ${name} version ${version} saved by ${createdBy}`);
    return { version, warnings: result.warnings };
  }

  async publish(name: string, version: number, by: string): Promise<FlowVersionView> {
    const stored = await this.requireVersion(name, version);
    const flow = await this.checkPublishable(stored);
    await this.flows.publish(name, version, 'publish', by);
    this.logger.log(`IVR flow ${name} version ${version} published by ${by}`);
    return view(stored, flow, true);
  }

  /** Back to the version published before the current one (or to `toVersion`). */
  async rollback(name: string, by: string, toVersion?: number): Promise<FlowVersionView> {
    if (!(await this.flows.exists(name))) throw new IvrFlowNotFoundError(name);
    let target = toVersion;
    if (target === undefined) {
      const history = await this.flows.publications(name);
      const current = history[0]?.version;
      target = history.find((entry) => entry.version !== current)?.version;
      if (target === undefined) throw new NothingToRollBackToError(name);
    }
    const stored = await this.requireVersion(name, target);
    const flow = await this.checkPublishable(stored);
    await this.flows.publish(name, target, 'rollback', by);
    this.logger.warn(`IVR flow ${name} rolled back to version ${target} by ${by}`);
    return view(stored, flow, true);
  }

  async versions(name: string): Promise<FlowVersionView[]> {
    const all = await this.flows.versions(name);
    if (all.length === 0) throw new IvrFlowNotFoundError(name);
    const published = (await this.flows.list()).find((flow) => flow.name === name)?.publishedVersion ?? null;
    return all.map((stored) => view(stored, stored.document as IvrFlowDocument, stored.version === published));
  }

  list() {
    return this.flows.list();
  }

  private async requireVersion(name: string, version: number): Promise<StoredFlowVersion> {
    if (!(await this.flows.exists(name))) throw new IvrFlowNotFoundError(name);
    const stored = await this.flows.version(name, version);
    if (!stored) throw new IvrFlowVersionNotFoundError(name, version);
    return stored;
  }

  private async checkPublishable(stored: StoredFlowVersion): Promise<IvrFlowDocument> {
    const result = validateIvrFlow(stored.document);
    if (!result.ok) throw new InvalidIvrFlowError(result.issues);
    const allowed = await this.flows.allowedTransferNumbers();
    const refused = Object.entries(result.flow.nodes)
      .filter(([, node]) => node.type === 'transfer' && !allowed.has(node.number))
      .map(([id, node]) => ({ path: `nodes.${id}.number`, number: (node as { number: string }).number }));
    if (refused.length > 0) throw new TransferNotAllowedError(refused);
    return result.flow;
  }
}

function view(stored: StoredFlowVersion, document: IvrFlowDocument, published: boolean): FlowVersionView {
  return { name: stored.name, version: stored.version, document, createdBy: stored.createdBy, createdAt: stored.createdAt.toISOString(), published };
}
