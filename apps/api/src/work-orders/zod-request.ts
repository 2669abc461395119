import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@hotline/org';
import { z } from 'zod';

export interface RequestIssue {
  field: string;
  rule: string;
  message: string;
}

/** A request that breaks its schema: 400 with each field and the rule it broke. */
export class InvalidRequestError extends DomainError {
  readonly kind = DomainErrorKind.Invalid;
  constructor(readonly issues: RequestIssue[]) {
    super('VALIDATION_FAILED', issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '), { issues });
  }
}

const RULES: Record<string, (issue: z.core.$ZodIssue) => string> = {
  invalid_type: (issue) => ((issue as { input?: unknown }).input === undefined ? 'required' : 'type'),
  too_small: () => 'min',
  too_big: () => 'max',
  invalid_format: (issue) => (issue as { format?: string }).format ?? 'format',
  invalid_value: () => 'enum',
  unrecognized_keys: () => 'unknown_field',
  invalid_union: () => 'one_of',
  not_multiple_of: () => 'multiple_of',
  custom: () => 'custom',
};

export function toIssues(error: z.ZodError): RequestIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), rule: 'unknown_field', message: 'is not a known field' }));
    }
    return [{ field: issue.path.join('.') || '(body)', rule: (RULES[issue.code] ?? (() => issue.code))(issue), message: issue.message }];
  });
}

/** Parses a body, query or param with a zod schema; what passes is the schema's typed output. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown, _metadata: ArgumentMetadata): z.output<S> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) throw new InvalidRequestError(toIssues(result.error));
    return result.data;
  }
}

/** The same schema as OpenAPI 3.0 JSON Schema, so the document and the validation never disagree. */
export function openApi(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
