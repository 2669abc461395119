import { TemplateRenderError } from './provisioning.errors';

export type TemplateVariables = Readonly<Record<string, string | number>>;

/** {{NAME}} with optional inner spaces. Names are upper snake case so they never clash with ${DIALPLAN} syntax. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;

/** The distinct placeholder names a template uses, in order of first appearance. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/**
 * Replaces every {{NAME}} in `template`. Fails - listing every offender at
 * once - when a placeholder has no value, is not a valid name, or a value
 * contains a line break or control character: config values come from
 * options, and a newline in one would inject arbitrary config lines
 * (a second ARI user, a permit=0.0.0.0).
 */
export function renderTemplate(templateName: string, template: string, variables: TemplateVariables): string {
  const used = templateVariables(template);
  const invalid = used.filter((name) => !VARIABLE_NAME.test(name));
  if (invalid.length > 0) {
    throw new TemplateRenderError(
      templateName,
      [],
      `Template ${templateName} has malformed placeholder(s): ${invalid.map((n) => `{{${n}}}`).join(', ')} (names must be UPPER_SNAKE_CASE)`,
    );
  }
  const missing = used.filter((name) => !Object.prototype.hasOwnProperty.call(variables, name));
  if (missing.length > 0) throw new TemplateRenderError(templateName, missing);

  const unsafe = used.filter((name) => /[\u0000-\u001f\u007f]/.test(String(variables[name])));
  if (unsafe.length > 0) {
    throw new TemplateRenderError(
      templateName,
      [],
      `Template ${templateName}: value(s) of ${unsafe.join(', ')} contain line breaks or control characters`,
    );
  }
  return template.replace(PLACEHOLDER, (_, name: string) => String(variables[name]));
}
