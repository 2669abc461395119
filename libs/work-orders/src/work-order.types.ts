export enum WorkOrderStatus {
  Accepted = 'accepted', // 已受理, waiting for dispatch
  NotAccepted = 'not_accepted', // 不予受理
  Transferred = 'transferred', // emergency, handed to 110/119/120/122
  Dispatched = 'dispatched', // 已派单, waiting for the lead unit to sign
  Returned = 'returned', // 退单, the centre re-dispatches or overrules
  InArbitration = 'in_arbitration', // 异议, the centre (or the management body) decides
  Handling = 'handling', // 办理中
  Replied = 'replied', // 已反馈, waiting for the centre's review
  Closed = 'closed', // 办结, waiting for the rating
  FollowUp = 'follow_up', // 人工回访 after a dissatisfied rating
  Archived = 'archived', // 办结归档
}

export const WORK_ORDER_STATUSES = Object.values(WorkOrderStatus);

export const STATUS_LABELS: Record<WorkOrderStatus, string> = {
  [WorkOrderStatus.Accepted]: '已受理',
  [WorkOrderStatus.NotAccepted]: '不予受理',
  [WorkOrderStatus.Transferred]: '已转紧急热线',
  [WorkOrderStatus.Dispatched]: '已派单',
  [WorkOrderStatus.Returned]: '已退单',
  [WorkOrderStatus.InArbitration]: '派单异议处理中',
  [WorkOrderStatus.Handling]: '办理中',
  [WorkOrderStatus.Replied]: '已反馈待审核',
  [WorkOrderStatus.Closed]: '已办结',
  [WorkOrderStatus.FollowUp]: '回访中',
  [WorkOrderStatus.Archived]: '已归档',
};

/** Orders a unit is expected to be working on: their deadlines run and their timers matter. */
export const ACTIVE_STATUSES: ReadonlySet<WorkOrderStatus> = new Set([
  WorkOrderStatus.Dispatched,
  WorkOrderStatus.Returned,
  WorkOrderStatus.InArbitration,
  WorkOrderStatus.Handling,
]);

/** Orders still open for the caller's matter (a new report of the same matter is a duplicate). */
export const OPEN_STATUSES: ReadonlySet<WorkOrderStatus> = new Set([
  WorkOrderStatus.Accepted,
  ...ACTIVE_STATUSES,
  WorkOrderStatus.Replied,
  WorkOrderStatus.FollowUp,
]);

export enum Channel {
  Phone = 'phone',
  Web = 'web',
  App = 'app',
  WeChat = 'wechat',
  Sms = 'sms',
  /** Arrived on a line merged into 12345 (e.g. 12315); `lineTag` names it. */
  IntegratedLine = 'integrated_line',
}

export enum ContactPreference {
  Phone = 'phone',
  Sms = 'sms',
  Online = 'online',
  NoContact = 'no_contact', // 要求不回复
}

export enum AssignmentRole {
  Lead = 'lead', // 主办
  Co = 'co', // 协办
}

export enum EmergencyLine {
  Police = '110',
  Fire = '119',
  Ambulance = '120',
  Traffic = '122',
}

export enum SurveyChannel {
  ManualCall = 'manual_call',
  VoiceCallback = 'voice_callback',
  Sms = 'sms',
  Online = 'online',
}

/**
 * Why a matter is not accepted (不予受理), from the seeds: Bortala 2020 第二章 ㈠–㈧ and Guizhou 2024 第十条.
 * Emergencies are not among them: they are transferred at once (EmergencyLine), not refused.
 */
export enum NotAcceptedReason {
  Unlawful = 'UNLAWFUL', // 违反宪法和法律法规规定的
  OutsideDutiesOrJurisdiction = 'OUTSIDE_DUTIES_OR_JURISDICTION', // 不属于政府工作职责范围或非本地管辖
  InLegalProcedure = 'IN_LEGAL_PROCEDURE', // 已进入诉讼、仲裁、行政复议、信访、信息公开、纪检监察等法定程序
  SameMatterWithinDeadline = 'SAME_MATTER_WITHIN_DEADLINE', // 已受理或正在办理, 办理期限内以同一事实或理由提出
  RepeatedAfterClearAnswer = 'REPEATED_AFTER_CLEAR_ANSWER', // 已明确答复, 仍反复投诉
  SecretsOrPrivacy = 'SECRETS_OR_PRIVACY', // 涉及国家秘密、商业秘密、个人隐私
  AgainstPublicOrderOrAbusive = 'AGAINST_PUBLIC_ORDER_OR_ABUSIVE', // 违反公序良俗、胡编乱造、恶意攻击骚扰
  UnclearOrNoSubstance = 'UNCLEAR_OR_NO_SUBSTANCE', // 诉求表述不清、无实质诉求内容
  Other = 'OTHER', // 其他不予受理的事项
}

export const NOT_ACCEPTED_REASON_LABELS: Record<NotAcceptedReason, string> = {
  [NotAcceptedReason.Unlawful]: '违反宪法和法律法规规定',
  [NotAcceptedReason.OutsideDutiesOrJurisdiction]: '不属于政府工作职责范围或非本地管辖',
  [NotAcceptedReason.InLegalProcedure]: '已进入诉讼、仲裁、行政复议、信访、信息公开等法定程序',
  [NotAcceptedReason.SameMatterWithinDeadline]: '同一事项已受理且在办理期限内',
  [NotAcceptedReason.RepeatedAfterClearAnswer]: '已明确答复后仍反复投诉',
  [NotAcceptedReason.SecretsOrPrivacy]: '涉及国家秘密、商业秘密、个人隐私',
  [NotAcceptedReason.AgainstPublicOrderOrAbusive]: '违反公序良俗、胡编乱造或恶意骚扰',
  [NotAcceptedReason.UnclearOrNoSubstance]: '诉求表述不清或无实质诉求内容',
  [NotAcceptedReason.Other]: '其他不予受理的事项',
};

/** Why a follow-up ends without reopening: Bortala 第十七条 reopens unless the cause is policy or objective. */
export enum FollowUpCause {
  Policy = 'policy',
  Objective = 'objective',
}
