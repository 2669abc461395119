import { CallerKind, RatingLevel, RequestType, SlaPresetCatalog, WorkingDayCalendarService } from '@hotline/sla';
import { Actor } from '@hotline/org';
import {
  Channel,
  ContactPreference,
  FollowUpCause,
  IntakeInput,
  SurveyChannel,
  WorkOrder,
  WorkOrderErrorCode,
  WorkOrderLifecycleService,
  WorkOrdersModule,
  WorkOrderStatus,
} from '@hotline/work-orders';
import { categoryId, createWorkOrdersHarness, loadOrgFixture, OrgFixture, WorkOrdersHarness } from '../support/work-orders-harness';

/*
 * The presets through the real lifecycle and database: each deployment preset's deadlines land on the order
 * exactly as the table in docs/domain.md says, across 2026's National Day (10-01..07, 调休 10-10).
 */
const NATIONAL_DAY_EVE = '2026-09-30T10:00:00+08:00';
const cst = (isoLocal: string) => new Date(`${isoLocal}+08:00`).toISOString();

async function withPreset(preset: string, test: (context: { harness: WorkOrdersHarness; lifecycle: WorkOrderLifecycleService; org: OrgFixture; dispatch: (overrides?: Partial<IntakeInput>) => Promise<WorkOrder> }) => Promise<void>) {
  const harness = await createWorkOrdersHarness({ label: `sla_${preset.replace(/-/g, '_')}`, modules: [WorkOrdersModule], now: NATIONAL_DAY_EVE, config: { SLA_PRESET: preset } });
  try {
    const lifecycle = harness.app.get(WorkOrderLifecycleService);
    const org = await loadOrgFixture(harness.dataSource);
    const category = await categoryId(harness.dataSource, 'public.utilities');
    let n = 0;
    const agent: Actor = org.users.agent;
    const dispatch = async (overrides: Partial<IntakeInput> = {}) => {
      n += 1;
      const { order } = await lifecycle.intake(agent, {
        channel: Channel.Phone,
        type: RequestType.Complaint,
        callerKind: CallerKind.Citizen,
        categoryId: category,
        subject: `停水 ${n}`,
        content: `小区第 ${n} 次停水未提前通知`,
        caller: { phone: `1350000${String(n).padStart(4, '0')}`, contactPreference: ContactPreference.Phone },
        confidential: false,
        disposition: { kind: 'dispatch' },
        ...overrides,
      });
      return (await lifecycle.dispatch(agent, order.id, order.version, { leadUnitId: org.units['city.market'] })).order;
    };
    await test({ harness, lifecycle, org, dispatch });
  } finally {
    await harness.close();
  }
}

describe('SLA presets in Postgres', () => {
  it('publishes every preset version once and refuses to change a published one', async () => {
    await withPreset('ningxia-2025', async ({ harness }) => {
      const catalog = harness.app.get(SlaPresetCatalog);
      expect((await catalog.list()).map((preset) => preset.code).sort()).toEqual(['bortala-2020', 'city-rules', 'guizhou-2024', 'ningxia-2025']);
      await catalog.sync(); // a second start publishes nothing new
      await expect(harness.dataSource.query(`UPDATE sla_presets SET rules = '{}' WHERE code = 'ningxia-2025'`)).rejects.toThrow(/immutable/);
      await expect(harness.dataSource.query(`DELETE FROM sla_presets`)).rejects.toThrow(/immutable/);
      expect(catalog.active()).toMatchObject({ code: 'ningxia-2025', version: 1 });
    });
  });

  it('Bortala 2020: sign 8 h, contact 24 h, complaint 15 and consultation 5 working days, one extension as long as the original, intake rated separately', async () => {
    await withPreset('bortala-2020', async ({ harness, lifecycle, org, dispatch }) => {
      const complaint = await dispatch();
      expect(complaint.signDueAt?.toISOString()).toBe(cst('2026-09-30T18:00:00'));
      expect(complaint.firstContactDueAt?.toISOString()).toBe(cst('2026-10-01T10:00:00'));
      expect(complaint.returnDueAt?.toISOString()).toBe(cst('2026-10-09T00:00:00'));
      expect(complaint.handleDueAt?.toISOString()).toBe(cst('2026-10-28T00:00:00')); // 10-27 24:00
      const consultation = await dispatch({ type: RequestType.Consultation });
      expect(consultation.handleDueAt?.toISOString()).toBe(cst('2026-10-14T00:00:00')); // 10-13 24:00

      const unit = org.users['market.handler'];
      let order = (await lifecycle.sign(unit, consultation.id, consultation.version)).order;
      // Once, and at most as long as the original limit (5 working days for a consultation).
      await refused(lifecycle.requestExtension(unit, order.id, order.version, { workingDays: 6, reason: '需现场核查' }), WorkOrderErrorCode.ExtensionTooLong);
      order = (await lifecycle.requestExtension(unit, order.id, order.version, { workingDays: 5, reason: '需现场核查' })).order;
      order = (await lifecycle.decideExtension(org.users.reviewer, order.id, order.version, { approve: true, callerNotice: '电话告知' })).order;
      expect(order.handleDueAt?.toISOString()).toBe(cst('2026-10-21T00:00:00')); // 10-13 + 5 working days
      await refused(lifecycle.requestExtension(unit, order.id, order.version, { workingDays: 1, reason: 'x' }), WorkOrderErrorCode.ExtensionLimitReached);

      // Reply to the caller within 1 day of finishing, holidays included.
      order = (
        await lifecycle.reply(unit, order.id, order.version, {
          basis: '供水服务规范',
          finding: '管网抢修, 已恢复供水',
          callerAnswer: '电话答复',
          callerAnsweredAt: new Date('2026-09-30T09:00:00+08:00'),
          finishedAt: new Date('2026-09-28T09:00:00+08:00'),
        })
      ).order;
      order = (await lifecycle.review(org.users.reviewer, order.id, order.version, { decision: 'accept' })).order;
      // 5 levels, and the hotline's intake is rated separately.
      order = (
        await lifecycle.rate(org.users.quality, order.id, order.version, {
          handlingLevel: RatingLevel.BasicallySatisfied,
          intakeLevel: RatingLevel.VerySatisfied,
          surveyChannel: SurveyChannel.ManualCall,
        })
      ).order;
      expect(order.status).toBe(WorkOrderStatus.Closed); // 基本满意 is not dissatisfied
      const late: { payload: { callerReplyLate: boolean; callerReplyDueAt: string } }[] = await harness.dataSource.query(
        `SELECT payload FROM work_order_events WHERE order_id = $1 AND type = 'reply'`,
        [order.id],
      );
      expect(late[0].payload).toMatchObject({ callerReplyLate: true, callerReplyDueAt: cst('2026-09-30T00:00:00') });

      const veryDissatisfied = await dispatch();
      let other = (await lifecycle.sign(unit, veryDissatisfied.id, veryDissatisfied.version)).order;
      other = (await lifecycle.reply(unit, other.id, other.version, { basis: 'b', finding: 'f', callerAnswer: 'a', callerAnsweredAt: new Date(NATIONAL_DAY_EVE) })).order;
      other = (await lifecycle.review(org.users.reviewer, other.id, other.version, { decision: 'accept' })).order;
      other = (await lifecycle.rate(org.users.quality, other.id, other.version, { handlingLevel: RatingLevel.VeryDissatisfied, surveyChannel: SurveyChannel.Sms })).order;
      expect(other.status).toBe(WorkOrderStatus.FollowUp);
      other = (await lifecycle.concludeFollowUp(org.users.quality, other.id, other.version, { cause: FollowUpCause.Policy, notes: '政策所限, 已解释' })).order;
      expect((await lifecycle.archive(org.users.reviewer, other.id, other.version)).order.status).toBe(WorkOrderStatus.Archived);
    });
  });

  it('Guizhou 2024: sign 1 working day, objection instead of return, handling by law (no preset limit), no extension, national rating scale', async () => {
    await withPreset('guizhou-2024', async ({ lifecycle, org, dispatch }) => {
      const order = await dispatch();
      expect(order.signDueAt?.toISOString()).toBe(cst('2026-10-09T00:00:00')); // 10-08 24:00
      expect(order.returnDueAt).toBeNull();
      expect(order.handleDueAt).toBeNull();
      expect(order.handlingLimit).toBeNull();
      const unit = org.users['market.handler'];
      await refused(lifecycle.returnOrder(unit, order.id, order.version, { reason: '非本单位职责' }), WorkOrderErrorCode.ReturnNotProvided);
      const signed = (await lifecycle.sign(unit, order.id, order.version)).order;
      await refused(lifecycle.requestExtension(unit, signed.id, signed.version, { workingDays: 2, reason: 'x' }), WorkOrderErrorCode.ExtensionNotProvided);
      const objected = (await lifecycle.object(unit, signed.id, signed.version, { reason: '应由属地政府牵头' })).order;
      expect(objected.status).toBe(WorkOrderStatus.InArbitration);
    });
  });

  it('Ningxia 2025: sign and return 1 working day, consultation 2 and complaint 5 working days', async () => {
    await withPreset('ningxia-2025', async ({ dispatch }) => {
      const complaint = await dispatch();
      expect(complaint.signDueAt?.toISOString()).toBe(cst('2026-10-09T00:00:00'));
      expect(complaint.returnDueAt?.toISOString()).toBe(cst('2026-10-09T00:00:00'));
      expect(complaint.handleDueAt?.toISOString()).toBe(cst('2026-10-14T00:00:00'));
      const consultation = await dispatch({ type: RequestType.Consultation });
      expect(consultation.handleDueAt?.toISOString()).toBe(cst('2026-10-10T00:00:00')); // 10-08, 10-09 → 10-09 24:00
    });
  });

  it('"a city" rules: no sign limit, 5 working days for citizens and 15 for enterprises, extensions up to 10 working days in total', async () => {
    await withPreset('city-rules', async ({ lifecycle, org, dispatch }) => {
      const citizen = await dispatch();
      expect(citizen.signDueAt).toBeNull();
      expect(citizen.handleDueAt?.toISOString()).toBe(cst('2026-10-14T00:00:00'));
      const enterprise = await dispatch({ callerKind: CallerKind.Enterprise });
      expect(enterprise.handleDueAt?.toISOString()).toBe(cst('2026-10-28T00:00:00'));
      const unit = org.users['market.handler'];
      let order = (await lifecycle.sign(unit, citizen.id, citizen.version)).order;
      order = (await lifecycle.requestExtension(unit, order.id, order.version, { workingDays: 7, reason: '复杂' })).order;
      order = (await lifecycle.decideExtension(org.users.reviewer, order.id, order.version, { approve: true, callerNotice: '短信告知' })).order;
      await refused(lifecycle.requestExtension(unit, order.id, order.version, { workingDays: 4, reason: '仍需时间' }), WorkOrderErrorCode.ExtensionTotalExceeded);
      order = (await lifecycle.requestExtension(unit, order.id, order.version, { workingDays: 3, reason: '仍需时间' })).order;
      expect(order.extensionCount).toBe(2);
    });
  });

  it('admin calendar overrides move real deadlines, and deadlines in a year without official data carry a warning', async () => {
    await withPreset('ningxia-2025', async ({ harness, dispatch, org }) => {
      const calendar = harness.app.get(WorkingDayCalendarService);
      harness.clock.set('2026-12-30T10:00:00+08:00');
      const unofficial = await dispatch();
      // 12-31, then 2027 read as plain weekdays: 01-01 (really New Year's Day), 01-04, 01-05, 01-06.
      expect(unofficial.handleDueAt?.toISOString()).toBe(cst('2027-01-07T00:00:00'));
      expect(unofficial.deadlineWarnings).toEqual([expect.objectContaining({ code: 'CALENDAR_YEAR_UNOFFICIAL', year: 2027 })]);

      await calendar.setOverride({ date: '2027-01-01', workday: false, note: '元旦' }, org.users.admin.userId);
      await calendar.declareOfficialYear(2027, org.users.admin.userId);
      const official = await dispatch();
      expect(official.handleDueAt?.toISOString()).toBe(cst('2027-01-08T00:00:00'));
      expect(official.deadlineWarnings).toEqual([]);
    });
  });
});

async function refused(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code });
}
