import { z } from 'zod';
import { HOTLINE_COMMAND_VERSION, HotlineCommand, HotlineCommandResult, hotlineCommandPayloadSchemas, HotlineCommandType } from './hotline-command.contract';

export class InvalidHotlineCommandError extends Error {
  constructor(reason: string, readonly commandId: string | null = null) {
    super(`Invalid hotline command: ${reason}`);
    this.name = 'InvalidHotlineCommandError';
  }
}

const envelope = z.object({
  id: z.string().min(1).max(100),
  type: z.string(),
  version: z.literal(HOTLINE_COMMAND_VERSION),
  issuedAt: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO time'),
  payload: z.unknown(),
});

/** Commands arrive over Redis from another process: validated field by field, the error names the path. */
export function parseHotlineCommand(raw: string): HotlineCommand {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidHotlineCommandError('not JSON');
  }
  const outer = envelope.safeParse(value);
  if (!outer.success) throw new InvalidHotlineCommandError(describe(outer.error), idOf(value));
  const type = outer.data.type as HotlineCommandType;
  const schema = hotlineCommandPayloadSchemas[type];
  if (!schema) throw new InvalidHotlineCommandError(`unknown type ${outer.data.type}`, outer.data.id);
  const payload = schema.safeParse(outer.data.payload);
  if (!payload.success) throw new InvalidHotlineCommandError(describe(payload.error, 'payload'), outer.data.id);
  return { id: outer.data.id, type, version: HOTLINE_COMMAND_VERSION, issuedAt: outer.data.issuedAt, payload: payload.data } as HotlineCommand;
}

export function parseHotlineCommandResult(raw: string): HotlineCommandResult {
  const value = JSON.parse(raw) as HotlineCommandResult;
  if (typeof value !== 'object' || value === null || typeof value.commandId !== 'string' || typeof value.ok !== 'boolean') {
    throw new InvalidHotlineCommandError('not a command result');
  }
  return value;
}

function describe(error: z.ZodError, root?: string): string {
  return error.issues.map((issue) => `${[root, ...issue.path].filter((part) => part !== undefined).join('.') || '(command)'}: ${issue.message}`).join('; ');
}

function idOf(value: unknown): string | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}
