import { z } from 'zod';

/** Digits only, 3 to 15: anything else could be dial-string syntax (`110&PJSIP/x`, `110,xyz`, `110)`) or not a number. */
export const dialableNumberSchema = z.string().regex(/^[0-9]{3,15}$/, 'must be 3 to 15 digits (0-9), nothing else');

export const callIdSchema = z.uuid();
export const transferIdSchema = z.uuid();

export const startTransferSchema = z
  .object({
    /** An allow-list entry: its id, or its number (looked up; never dialled as given). */
    destination: z.union([z.uuid(), dialableNumberSchema]),
    mode: z.enum(['warm', 'blind']),
    /** Warm only: true (default) the citizen hears music on hold during the consult; false they stay and listen. */
    hold: z.boolean().default(true),
  })
  .strict();

export const destinationBodySchema = z
  .object({
    number: dialableNumberSchema,
    name: z.string().trim().min(1).max(100),
    kind: z.enum(['emergency', 'unit']),
    unitId: z.uuid().nullable().default(null),
    ringTimeoutSeconds: z.number().int().min(5).max(120).default(30),
    active: z.boolean().default(true),
  })
  .strict();

export type StartTransferBody = z.output<typeof startTransferSchema>;
export type DestinationBody = z.output<typeof destinationBodySchema>;
