import { z } from 'zod';
import { ConfigValidationError } from './config.errors';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Validates an environment against a schema. Empty strings count as unset so that `FOO=` in a shell
 * falls back to the default instead of failing an obscure rule.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Environment): z.infer<S> {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const result = schema.safeParse(relevant);
  if (!result.success) {
    throw new ConfigValidationError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(root)';
        const given = relevant[name] === undefined ? 'not set' : 'invalid value';
        return `${name}: ${issue.message} (${given})`;
      }),
    );
  }
  return result.data;
}
