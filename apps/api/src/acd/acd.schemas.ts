import { z } from 'zod';

const code = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'codes are [a-z0-9_-]');
export const agentIdSchema = code;
export const skillSchema = code;
export const loginBodySchema = z.object({ seat: code }).strict();
export const stateBodySchema = z.object({ state: z.enum(['ready', 'not_ready']), reason: z.string().trim().min(1).max(100).optional() }).strict();
export const agentBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    userId: z.string().uuid().nullable().default(null),
    active: z.boolean().default(true),
    skills: z.record(code, z.number().int().min(1).max(10)).refine((skills) => Object.keys(skills).length > 0, 'an agent needs at least one skill'),
  })
  .strict();
export const seatBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    contactUri: z.string().regex(/^sips?:[A-Za-z0-9._~%!$&'()*+,;=:@-]+$/, 'a SIP URI such as sip:seat-101@10.0.0.8:5060').nullable().default(null),
    password: z.string().min(12, 'at least 12 characters').max(128).nullable().default(null),
    active: z.boolean().default(true),
  })
  .strict()
  .refine((seat) => seat.contactUri !== null || seat.password !== null, { message: 'a seat is either a fixed phone (contactUri) or registers (password)', path: ['contactUri'] });
export const callbackBodySchema = z.object({ number: z.string().regex(/^[0-9]{3,20}$/), skill: code, callId: z.string().uuid().optional() }).strict();
export const dayQuerySchema = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD (China time)').optional() });
/** A skill and its queue's settings; the ranges are the database's CHECKs, so a 400 comes before a 500. */
export const queueBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    ringTimeoutSeconds: z.number().int().min(5).max(120).default(15),
    wrapUpSeconds: z.number().int().min(0).max(600).default(10),
    announceEverySeconds: z.number().int().min(10).max(600).default(30),
    maxWaitSeconds: z.number().int().min(10).max(3600).default(300),
    overflowSkill: code.nullable().default(null),
    callbackOffer: z.boolean().default(true),
    serviceLevelSeconds: z.number().int().min(1).max(600).default(15),
    minLevel: z.number().int().min(1).max(10).default(1),
  })
  .strict();
