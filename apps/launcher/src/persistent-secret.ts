import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A secret generated on first start and kept in the data folder (mode 0600), so that, e.g., login tokens
 * stay valid across restarts of `npm start` while no secret is ever committed or printed.
 */
export async function persistentSecret(dataDir: string, name: string): Promise<string> {
  const file = path.join(dataDir, 'secrets', name);
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  await writeFile(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}
