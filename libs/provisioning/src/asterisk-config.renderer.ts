import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isErrno } from './file.lock';
import { ProvisioningError, TemplateRenderError } from './provisioning.errors';
import { renderTemplate, templateVariables, type TemplateVariables } from './template.renderer';

/** Files holding credentials: readable by their owner only. */
const SECRET_FILES: ReadonlySet<string> = new Set(['ari.conf', 'manager.conf']);

export interface RenderAsteriskConfigOptions {
  /** Folder with the *.conf templates (the repo's asterisk/templates). */
  readonly templatesDir: string;
  /** Destination etc folder of the instance (host path, inside the chroot). */
  readonly outputDir: string;
  readonly variables: TemplateVariables;
  /** Owner of the written files (Asterisk drops to the chroot's asterisk user and must read them). */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

/**
 * Renders every template into `outputDir`. All templates are rendered in
 * memory first so a missing variable in the last file leaves the previous
 * configuration untouched; then each file is replaced atomically.
 * Variables given but used by no template are an error as well: they are
 * almost always a misspelt placeholder.
 */
export async function renderAsteriskConfig(options: RenderAsteriskConfigOptions): Promise<string[]> {
  const names = (await fs.readdir(options.templatesDir)).filter((n) => n.endsWith('.conf')).sort();
  if (names.length === 0) throw new ProvisioningError(`No *.conf templates found in ${options.templatesDir}`);

  const rendered: Array<{ name: string; text: string }> = [];
  const usedAnywhere = new Set<string>();
  for (const name of names) {
    const template = await fs.readFile(path.join(options.templatesDir, name), 'utf8');
    templateVariables(template).forEach((v) => usedAnywhere.add(v));
    rendered.push({ name, text: renderTemplate(name, template, options.variables) });
  }
  const unused = Object.keys(options.variables).filter((v) => !usedAnywhere.has(v));
  if (unused.length > 0) {
    throw new TemplateRenderError(
      options.templatesDir,
      [],
      `Variable(s) ${unused.join(', ')} are used by no template in ${options.templatesDir} (misspelt placeholder?)`,
    );
  }

  await fs.mkdir(options.outputDir, { recursive: true });
  for (const { name, text } of rendered) {
    const target = path.join(options.outputDir, name);
    const tmp = `${target}.tmp-${process.pid}`;
    await fs.writeFile(tmp, text, { mode: SECRET_FILES.has(name) ? 0o600 : 0o644 });
    if (options.owner) await fs.chown(tmp, options.owner.uid, options.owner.gid);
    await fs.rename(tmp, target);
  }
  // Files from an older template set would still be read by Asterisk.
  for (const entry of await fs.readdir(options.outputDir)) {
    if (entry.endsWith('.conf') && !names.includes(entry)) {
      await fs.rm(path.join(options.outputDir, entry)).catch((error: unknown) => {
        if (!isErrno(error, 'ENOENT')) throw error;
      });
    }
  }
  return names;
}

/**
 * The repo's asterisk/templates folder, found by walking up from this file
 * so it works from ts sources (jest, ts-node) and from dist/ alike.
 */
export async function findDefaultTemplatesDir(startDir: string = __dirname): Promise<string> {
  let dir = startDir;
  for (;;) {
    const candidate = path.join(dir, 'asterisk', 'templates');
    try {
      await fs.access(path.join(candidate, 'asterisk.conf'));
      return candidate;
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new ProvisioningError(`Could not find asterisk/templates above ${startDir}; pass templatesDir explicitly.`);
    }
    dir = parent;
  }
}
