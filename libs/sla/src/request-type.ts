/** The kinds of non-emergency request a 12345 hotline accepts (受理范围). */
export enum RequestType {
  Consultation = 'consultation', // 咨询
  Help = 'help', // 求助
  Complaint = 'complaint', // 投诉
  Report = 'report', // 举报
  Suggestion = 'suggestion', // 意见建议
  Praise = 'praise', // 表扬
}

export const REQUEST_TYPES = Object.values(RequestType);

export const REQUEST_TYPE_LABELS: Record<RequestType, string> = {
  [RequestType.Consultation]: '咨询',
  [RequestType.Help]: '求助',
  [RequestType.Complaint]: '投诉',
  [RequestType.Report]: '举报',
  [RequestType.Suggestion]: '意见建议',
  [RequestType.Praise]: '表扬',
};

/** Who is asking: the "city" rules give enterprises a longer limit than citizens (第七条). */
export enum CallerKind {
  Citizen = 'citizen',
  Enterprise = 'enterprise',
}
