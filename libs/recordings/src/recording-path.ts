import * as path from 'node:path';
import { InvalidRecordingPathError } from './recordings.errors';

/** What the dialplan writes: <yyyymmdd>/<uniqueid>.wav, or messages/<yyyymmdd>/<name>.wav. */
const SAFE_RELATIVE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/){0,3}[A-Za-z0-9_-][A-Za-z0-9._-]*\.wav$/;

/** Checks a store-relative path and returns the absolute host path of the file under `storeDir`. */
export function resolveInStore(storeDir: string, relativePath: string): string {
  if (!SAFE_RELATIVE_PATH.test(relativePath) || relativePath.split('/').some((part) => part === '.' || part === '..')) {
    throw new InvalidRecordingPathError(relativePath);
  }
  const root = path.resolve(storeDir);
  const absolute = path.resolve(root, relativePath);
  if (!absolute.startsWith(`${root}${path.sep}`)) throw new InvalidRecordingPathError(relativePath);
  return absolute;
}

/** The relative path the dialplan hands over as a Stasis argument ("20261123/node-1795.12") plus .wav. */
export function callRecordingPath(dialplanArgument: string): string {
  return `${dialplanArgument}.wav`;
}
