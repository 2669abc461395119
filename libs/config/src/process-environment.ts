import { Environment } from './load-config';

/** The one place that reads the process environment; everything else receives validated config. */
export function processEnvironment(): Environment {
  return { ...process.env };
}
