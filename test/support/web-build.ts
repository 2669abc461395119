import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '../..');
export const WEB_DIST_DIR = join(REPO_ROOT, 'dist', 'web');
const SOURCES = [join(REPO_ROOT, 'apps', 'web'), join(REPO_ROOT, 'libs', 'contracts', 'src')];
const LOCK_DIR = join(REPO_ROOT, 'dist', '.web-build.lock');
const STALE_LOCK_MS = 180_000;

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function isCurrent(): boolean {
  const index = join(WEB_DIST_DIR, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= Math.max(...SOURCES.map(newestMtime));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds the web app with Vite when dist/web is missing or older than its sources, so browser tests never
 * run against a stale bundle. A lock folder keeps parallel test files from building at once.
 */
export async function ensureWebBuild(): Promise<{ built: boolean; ms: number }> {
  const started = Date.now();
  if (isCurrent()) return { built: false, ms: 0 };
  mkdirSync(join(REPO_ROOT, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch {
      const lock = statSync(LOCK_DIR, { throwIfNoEntry: false });
      // A build killed half-way leaves its lock behind; after a while it is not anyone's.
      if (lock && Date.now() - lock.mtimeMs > STALE_LOCK_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    if (isCurrent()) return { built: false, ms: Date.now() - started };
    const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const result = spawnSync(process.execPath, [vite, 'build', '--config', 'apps/web/vite.config.ts', '--logLevel', 'warn'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`vite build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
    return { built: true, ms: Date.now() - started };
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}
