import { z } from 'zod';
import type { AgentStateRequest } from '@hotline/realtime';

/** What a browser may send as `agent.set-state`: untrusted input, checked before it becomes a command. */
export const agentStateRequestSchema = z
  .object({
    state: z.enum(['ready', 'not_ready']),
    reason: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .refine((request) => request.state === 'ready' || request.reason !== undefined, { message: 'not_ready needs a reason', path: ['reason'] });

export function parseAgentStateRequest(value: unknown): AgentStateRequest | { error: string } {
  const parsed = agentStateRequestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  return { error: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`).join('; ') };
}
