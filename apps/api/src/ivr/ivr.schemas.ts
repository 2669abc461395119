import { z } from 'zod';

export const flowNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'flow names are [a-z0-9-]');
export const versionSchema = z.coerce.number().int().min(1);
/** The document itself is validated by libs/ivr (with the path of every error); here only that it is an object. */
export const flowDocumentBodySchema = z.object({ document: z.record(z.string(), z.unknown()) }).strict();
export const rollbackBodySchema = z.object({ toVersion: z.number().int().min(1).optional() }).strict();
export const lineNumberSchema = z.string().regex(/^[0-9]{3,8}$/, 'a line is a 3 to 8 digit number such as 12315');
export const lineBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    skill: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
    flowName: flowNameSchema.default('default'),
    priorityWeight: z.number().int().min(0).max(100).default(0),
    mode: z.enum(['primary', 'integrated', 'dual_track']),
    active: z.boolean().default(true),
  })
  .strict();
export const callerListSchema = z.enum(['elderly', 'vip', 'blocked']);
export const callerNumberSchema = z.string().regex(/^[0-9+]{3,20}$/, 'a phone number of 3 to 20 digits');
export const callerListEntryBodySchema = z.object({ note: z.string().trim().max(200).optional() }).strict();
