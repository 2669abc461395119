// Readers for the deployment files, so compose.spec.ts can check them without a Docker engine:
// docker-compose.yml with compose's own variable interpolation, Dockerfiles, .dockerignore, and the
// Asterisk entrypoint run in its render-only mode.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '../..');
export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
export const ENTRYPOINT = path.join(ROOT, 'deploy/asterisk/entrypoint.sh');

export type Env = Record<string, string>;

export function readText(relative: string): string {
  return readFileSync(path.join(ROOT, relative), 'utf8');
}

// --- docker-compose.yml ----------------------------------------------------------------------------

/** `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`, `$NAME`, `$$`. */
const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export interface VariableReference {
  readonly name: string;
  /** '-' / ':-' (default), '?' / ':?' (required), or '' (plain). */
  readonly operator: string;
}

/** Every variable reference in a compose file's text, as compose would see it. */
export function variableReferences(text: string): VariableReference[] {
  return [...text.matchAll(REFERENCE)]
    .filter((match) => match[0] !== '$$')
    .map((match) => ({ name: (match[1] ?? match[4]) as string, operator: match[2] ?? '' }));
}

/** Compose's interpolation: throws, like `docker compose`, when a `:?` variable is unset or empty. */
export function interpolate(text: string, env: Env): string {
  return text.replace(REFERENCE, (match, braced?: string, operator?: string, argument?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = env[name];
    const unset = value === undefined || (operator?.startsWith(':') === true && value === '');
    if (operator === ':-' || operator === '-') return unset ? (argument ?? '') : (value as string);
    if (operator === ':?' || operator === '?') {
      if (unset) throw new Error(`required variable ${name} is missing a value: ${argument ?? ''}`);
      return value as string;
    }
    return value ?? '';
  });
}

function interpolateAll(node: unknown, env: Env): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, env));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateAll(value, env)]));
  }
  return node;
}

export interface ComposeService {
  build?: { context?: string; dockerfile?: string; target?: string };
  image?: string;
  network_mode?: string;
  environment?: Record<string, string | number | null> | string[];
  ports?: Array<string | { target: number | string; published?: number | string; host_ip?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  restart?: string;
  command?: string[] | string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [extension: string]: unknown;
}

/** The compose file with anchors and `<<` merges resolved; interpolated when `env` is given. */
export function loadCompose(env?: Env): ComposeFile {
  const raw: unknown = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true });
  return (env ? interpolateAll(raw, env) : raw) as ComposeFile;
}

/** A service's environment as a plain map (compose accepts a map or a list of KEY=VALUE). */
export function environmentOf(service: ComposeService): Env {
  const environment = service.environment ?? {};
  const entries: Array<[string, unknown]> = Array.isArray(environment)
    ? environment.map((line) => [line.split('=')[0] as string, line.slice(line.indexOf('=') + 1)])
    : Object.entries(environment);
  return Object.fromEntries(entries.map(([key, value]) => [key, value === null || value === undefined ? '' : String(value)]));
}

export interface PublishedPort {
  readonly hostIp: string;
  /** Host port or range; empty when Docker picks one. */
  readonly published: string;
  /** Container ports, expanded from a range. */
  readonly targets: number[];
}

function expandRange(range: string): number[] {
  const [from, to = from] = range.split('-').map(Number) as [number, number?];
  return Array.from({ length: (to as number) - from + 1 }, (_, index) => from + index);
}

/** Short (`[ip:][host:]container[/proto]`) and long syntax, after interpolation. */
export function publishedPorts(service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).map((entry) => {
    if (typeof entry !== 'string') {
      return { hostIp: entry.host_ip ?? '0.0.0.0', published: String(entry.published ?? ''), targets: expandRange(String(entry.target)) };
    }
    const parts = (entry.split('/')[0] as string).split(':');
    const target = parts.pop() as string;
    return { hostIp: parts.length === 2 ? (parts[0] as string) : '0.0.0.0', published: parts.at(-1) ?? '', targets: expandRange(target) };
  });
}

// --- Dockerfiles -----------------------------------------------------------------------------------

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

export interface Stage {
  readonly image: string;
  readonly name?: string;
  readonly instructions: Instruction[];
}

/** Instructions with continuation lines joined and comments (incl. parser directives) dropped. */
export function dockerfileInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line) || (pending === '' && line.trim() === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const space = full.search(/\s/);
    instructions.push({ keyword: full.slice(0, space).toUpperCase(), args: full.slice(space + 1).trim() });
  }
  return instructions;
}

export function dockerfileStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of dockerfileInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      stages.push({ image: image as string, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The stage a build target selects (the last one without a target), with the stages it extends. */
export function stageChain(stages: Stage[], target?: string): Stage[] {
  const chain: Stage[] = [];
  let stage = target ? stages.find((s) => s.name === target) : stages.at(-1);
  while (stage) {
    chain.unshift(stage);
    const base = stage.image;
    stage = stages.find((s) => s.name === base);
  }
  return chain;
}

/** `ENV A=1 B=2` keys and values (the form these Dockerfiles use). */
export function envOfStages(chain: Stage[]): Env {
  const env: Env = {};
  for (const instruction of chain.flatMap((stage) => stage.instructions)) {
    if (instruction.keyword !== 'ENV') continue;
    for (const pair of instruction.args.split(/\s+/)) {
      const [key, value = ''] = pair.split('=');
      env[key as string] = value.replace(/\$\{(\w+)\}/g, (_, name: string) => env[name] ?? '');
    }
  }
  return env;
}

/** Sources of every COPY without --from (what comes from the build context). */
export function contextCopySources(chain: Stage[]): string[] {
  return chain
    .flatMap((stage) => stage.instructions)
    .filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.args))
    .flatMap((i) => i.args.split(/\s+/).filter((token) => !token.startsWith('--')).slice(0, -1));
}

// --- .dockerignore ---------------------------------------------------------------------------------

/** Whether Docker would leave `file` (relative to the context) out of the build context. */
export function dockerIgnores(file: string): boolean {
  const patterns = readText('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const candidates = file.split('/').map((_, index, parts) => parts.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const glob = pattern.replace(/^!/, '').replace(/^\//, '');
    // A pattern matching a folder excludes everything inside it; later patterns win.
    if (candidates.some((candidate) => path.matchesGlob(candidate, glob))) ignored = !negated;
  }
  return ignored;
}

// --- Asterisk entrypoint ---------------------------------------------------------------------------

export interface RenderResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Where the rendered files went (ASTERISK_CONF_DIR). */
  readonly confDir: string;
}

/**
 * Runs deploy/asterisk/entrypoint.sh with RENDER_ONLY=1 in a clean environment: only PATH and `env`,
 * with the instance folder moved into a temporary directory.
 */
export function renderTemplates(templateDir: string, env: Env): RenderResult {
  const instanceDir = mkdtempSync(path.join(tmpdir(), 'hotline-deploy-render-'));
  const confDir = path.join(instanceDir, 'etc');
  const result = spawnSync('sh', [ENTRYPOINT], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...env,
      RENDER_ONLY: '1',
      TEMPLATE_DIR: templateDir,
      INSTANCE_DIR: instanceDir,
      ASTERISK_CONF_DIR: confDir,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, confDir };
}

/** Placeholder names as libs/provisioning's renderer reads them: {{NAME}}, inner spaces allowed. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((match) => match[1] as string))];
}
