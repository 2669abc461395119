import { CallerKind, RequestType } from '@hotline/sla';
import { Actor } from '@hotline/org';
import { SurveyChannelKind, SurveyPolicy } from '@hotline/surveys';
import { Channel, ContactPreference, WorkOrder, WorkOrderLifecycleService } from '@hotline/work-orders';

export const SMSC_CREDENTIALS = { systemId: 'hotline12345', password: 'smpp-pw' };

/**
 * Ningxia's policy with the waits stretched: the tests run on a fixed clock in the past, where pg-boss (on
 * the database's real clock) would otherwise find every later attempt already due.
 */
export const TEST_SURVEY_POLICIES: SurveyPolicy[] = [
  {
    presetCode: 'ningxia-2025',
    delayAfterCloseMinutes: 0,
    windows: [
      { from: '09:00', to: '12:00' },
      { from: '14:30', to: '18:00' },
    ],
    workingDaysOnly: true,
    channels: [{ channel: SurveyChannelKind.Sms, attempts: 2, waitMinutes: 10 * 365 * 24 * 60 }],
  },
  {
    presetCode: 'bortala-2020',
    delayAfterCloseMinutes: 0,
    windows: [{ from: '09:00', to: '18:00' }],
    workingDaysOnly: true,
    channels: [
      { channel: SurveyChannelKind.Voice, attempts: 2, waitMinutes: 10 * 365 * 24 * 60 },
      { channel: SurveyChannelKind.Sms, attempts: 1, waitMinutes: 10 * 365 * 24 * 60 },
    ],
  },
];

export function surveyTestConfig(smscUrl: string): Record<string, string> {
  return {
    SMPP_URL: smscUrl,
    SMPP_SYSTEM_ID: SMSC_CREDENTIALS.systemId,
    SMPP_PASSWORD: SMSC_CREDENTIALS.password,
    SMPP_RESPONSE_TIMEOUT_SECONDS: '2',
    SURVEY_RETRY_DELAY_SECONDS: '1',
  };
}

/** Intake → dispatch → sign → reply → review accept: the order reaches the rating step. */
export async function closedOrder(
  lifecycle: WorkOrderLifecycleService,
  users: Record<string, Actor>,
  input: { categoryId: string; unitId: string; phone: string; subject: string; contactPreference?: ContactPreference },
): Promise<WorkOrder> {
  let { order } = await lifecycle.intake(users.agent, {
    channel: Channel.Phone,
    type: RequestType.Complaint,
    callerKind: CallerKind.Citizen,
    categoryId: input.categoryId,
    subject: input.subject,
    content: `${input.subject}: 超市销售过期牛奶, 要求退款 (${input.phone})`,
    caller: { phone: input.phone, contactPreference: input.contactPreference ?? ContactPreference.Phone },
    confidential: false,
    disposition: { kind: 'dispatch' },
    duplicateOverride: { reason: 'test' },
  });
  order = (await lifecycle.dispatch(users.agent, order.id, order.version, { leadUnitId: input.unitId })).order;
  return handleAndClose(lifecycle, users, order);
}

/** The unit signs (if needed), replies, and the centre accepts: closed again after a reopen too. */
export async function handleAndClose(lifecycle: WorkOrderLifecycleService, users: Record<string, Actor>, start: WorkOrder): Promise<WorkOrder> {
  let order = start;
  if (order.status === 'dispatched') order = (await lifecycle.sign(users['market.handler'], order.id, order.version)).order;
  order = (
    await lifecycle.reply(users['market.handler'], order.id, order.version, {
      basis: '《消费者权益保护法》第二十四条',
      finding: '经核实已责令下架并退款',
      callerAnswer: '已电话告知诉求人处理结果',
      callerAnsweredAt: new Date('2026-09-30T09:30:00+08:00'),
    })
  ).order;
  return (await lifecycle.review(users.reviewer, order.id, order.version, { decision: 'accept' })).order;
}
