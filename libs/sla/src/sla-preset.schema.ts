import { z } from 'zod';
import { RequestType } from './request-type';
import { slaDurationSchema } from './sla-duration';

const limit = slaDurationSchema.nullable();

/** Satisfaction levels as stable codes; labels are for people. */
export enum RatingLevel {
  VerySatisfied = 'very_satisfied', // 非常满意
  Satisfied = 'satisfied', // 满意
  BasicallySatisfied = 'basically_satisfied', // 基本满意
  Dissatisfied = 'dissatisfied', // 不满意
  VeryDissatisfied = 'very_dissatisfied', // 非常不满意
}

export const RATING_LABELS: Record<RatingLevel, string> = {
  [RatingLevel.VerySatisfied]: '非常满意',
  [RatingLevel.Satisfied]: '满意',
  [RatingLevel.BasicallySatisfied]: '基本满意',
  [RatingLevel.Dissatisfied]: '不满意',
  [RatingLevel.VeryDissatisfied]: '非常不满意',
};

const handlingByType = z.object({
  [RequestType.Consultation]: limit,
  [RequestType.Help]: limit,
  [RequestType.Complaint]: limit,
  [RequestType.Report]: limit,
  [RequestType.Suggestion]: limit,
  [RequestType.Praise]: limit,
});

/**
 * One jurisdiction's time limits and rules. `null` means "this regulation sets no limit here" (the table's
 * "—" or "by law"), which is different from a limit: the order then carries no deadline for that step and
 * the product says so instead of inventing one.
 */
export const slaRulesSchema = z.object({
  /** The centre's own limit to dispatch after intake. */
  dispatch: limit,
  /** The unit's limit to sign for a dispatched order. */
  sign: limit,
  /** The unit must contact the caller within this time of dispatch (Bortala: 24 h). */
  firstContact: limit,
  /** How a unit that thinks it got the wrong order gets rid of it. */
  returnPolicy: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('window'), within: slaDurationSchema }),
    // Guizhou 第十三条: the unit raises an objection and the centre decides; there is no return.
    z.object({ mode: z.literal('objection_only') }),
    z.object({ mode: z.literal('unregulated') }),
  ]),
  /** Handling limit by request type, counted from dispatch. */
  handling: handlingByType,
  /** Replaces `handling` for enterprise callers where set ("city" rules 第七条: 15 working days). */
  enterpriseHandling: handlingByType.partial().nullable(),
  extension: z
    .object({
      maxRequests: z.number().int().positive().nullable(),
      /** `equal_to_original`: Bortala's "延期的时限和办理期限相同". */
      perRequest: z.discriminatedUnion('mode', [
        z.object({ mode: z.literal('equal_to_original') }),
        z.object({ mode: z.literal('max_working_days'), days: z.number().int().positive() }),
        z.object({ mode: z.literal('unregulated') }),
      ]),
      maxTotalWorkingDays: z.number().int().positive().nullable(),
    })
    .nullable(),
  /** Matters linked with 110/119/120/122 or utilities: respond and finish faster. */
  emergencyLinked: z.object({ respond: slaDurationSchema, finish: slaDurationSchema }).nullable(),
  rating: z.object({
    levels: z.array(z.nativeEnum(RatingLevel)).min(2),
    /** Levels that trigger a manual follow-up. */
    dissatisfied: z.array(z.nativeEnum(RatingLevel)).min(1),
    /** Bortala rates the hotline's intake and the unit's handling separately (第十五条). */
    ratesIntakeSeparately: z.boolean(),
    /** false: the regulation names no scale, the national 好差评 five levels apply. */
    setByRegulation: z.boolean(),
  }),
  /** After finishing, the caller is told within this time. */
  replyToCaller: limit,
  /** Remind the handler when this share of the time allowed has passed. */
  reminderAt: z.number().gt(0).lt(1),
  /** Limits set by a specific law for a category override the table (keyed by category code). */
  categoryOverrides: z.record(z.string(), handlingByType.partial()),
});

export type SlaRules = z.infer<typeof slaRulesSchema>;

export const slaPresetSchema = z.object({
  code: z.string().regex(/^[a-z0-9-]+$/),
  /** Bumped whenever the rules change; orders keep the version they were taken under. */
  version: z.number().int().positive(),
  name: z.string().min(1),
  source: z.string().min(1),
  rules: slaRulesSchema,
});

export type SlaPreset = z.infer<typeof slaPresetSchema>;
