import { appConfigSchema } from '@hotline/config';

/**
 * The apps' own settings an operator gave `npm start` in its environment (SMS_ENABLED and SMPP_URL for the
 * SMSC, survey caps, LOG_LEVEL, audit retention ...), passed on to api and call-control. The apps get a built
 * environment, not the launcher's, so a setting not listed here would be silently dropped; `owned` are the
 * ones the launcher decides itself (where Postgres, Redis and Asterisk are), which the operator sets through
 * the launcher's own settings instead.
 */
export function operatorSettings(hostEnv: Record<string, string | undefined>, owned: ReadonlySet<string>): Record<string, string> {
  const known = Object.keys(appConfigSchema.shape);
  return Object.fromEntries(
    known.filter((key) => !owned.has(key) && hostEnv[key] !== undefined && hostEnv[key] !== '').map((key) => [key, hostEnv[key] as string]),
  );
}
