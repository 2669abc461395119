import { CallerKind, RatingLevel, RequestType } from '@hotline/sla';
import { Channel, ContactPreference, EmergencyLine, FollowUpCause, NotAcceptedReason, SurveyChannel } from './work-order.types';

/** What the agent decides at intake. */
export type IntakeDisposition =
  | { kind: 'dispatch' }
  | { kind: 'resolve_on_spot'; answer: string } // 直接办结
  | { kind: 'not_accepted'; reason: NotAcceptedReason; explanation: string }
  | { kind: 'transfer_emergency'; line: EmergencyLine };

export interface IntakeInput {
  channel: Channel;
  lineTag?: string | null;
  type: RequestType;
  callerKind: CallerKind;
  categoryId: string;
  regionCode?: string | null;
  address?: string | null;
  subject: string;
  content: string;
  caller: { phone: string; name?: string | null; contactPreference: ContactPreference };
  confidential: boolean;
  emergencyLinked?: boolean;
  callIds?: string[];
  /** The call-side draft (call_order_drafts) this intake files: its call is linked and the draft marked submitted. */
  draftId?: string | null;
  disposition: IntakeDisposition;
  /** The agent has seen the open duplicate and records a new order anyway, saying why. */
  duplicateOverride?: { reason: string } | null;
}

export interface UnitSelection {
  leadUnitId: string;
  coUnitIds?: string[];
}

export interface DispatchInput extends UnitSelection {
  note?: string | null;
}

export type ReturnDecision = { decision: 'redispatch'; note: string } & UnitSelection;
export type ReturnDecisionInput = ReturnDecision | { decision: 'overrule'; note: string };

export type ArbitrationInput =
  | ({ decision: 'reassign'; note: string } & UnitSelection)
  | { decision: 'uphold'; note: string }
  | { decision: 'escalate'; note: string };

export interface ExtensionRequestInput {
  workingDays: number;
  reason: string;
}

export type ExtensionDecisionInput = { approve: true; callerNotice: string; note?: string | null } | { approve: false; note: string };

export interface ReplyInput {
  /** 处置依据: the law, policy or fact the handling rests on. */
  basis: string;
  /** 调查结论: what the unit found and did. */
  finding: string;
  /** 答复情况: how the caller was answered. */
  callerAnswer: string;
  callerAnsweredAt: Date;
  /** When handling finished; defaults to now. */
  finishedAt?: Date | null;
}

export type ReviewInput = { decision: 'accept'; note?: string | null } | { decision: 'send_back'; reason: string };

export interface RatingInput {
  handlingLevel: RatingLevel;
  intakeLevel?: RatingLevel | null;
  surveyChannel: SurveyChannel;
  comment?: string | null;
}

export interface FollowUpConclusionInput {
  cause: FollowUpCause;
  notes: string;
}
