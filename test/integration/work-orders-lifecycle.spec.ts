import { CallerKind, RatingLevel, RequestType } from '@hotline/sla';
import { Actor } from '@hotline/org';
import {
  Channel,
  ContactPreference,
  EmergencyLine,
  FollowUpCause,
  IntakeInput,
  NotAcceptedReason,
  SurveyChannel,
  WorkOrderErrorCode,
  WorkOrderLifecycleService,
  WorkOrderQueryService,
  WorkOrdersModule,
  WorkOrderStatus,
  SEARCH_WINDOW,
} from '@hotline/work-orders';
import { categoryId, createWorkOrdersHarness, loadOrgFixture, OrgFixture, WorkOrdersHarness } from '../support/work-orders-harness';

/** Asserts a promise rejects with a domain error of that code. */
async function refused(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code });
}

describe('work-order lifecycle (real Postgres, Ningxia 2025 preset)', () => {
  let harness: WorkOrdersHarness;
  let lifecycle: WorkOrderLifecycleService;
  let queries: WorkOrderQueryService;
  let org: OrgFixture;
  let consumer: string;
  let phoneCounter = 0;
  const u = (name: string): Actor => org.users[name];

  beforeAll(async () => {
    // Wednesday before National Day 2026.
    harness = await createWorkOrdersHarness({
      label: 'wo_lifecycle',
      modules: [WorkOrdersModule],
      now: '2026-09-30T10:00:00+08:00',
      // A tiny search window, so searches here run both phases (recent window, then the GIN index).
      providers: [[SEARCH_WINDOW, 3]],
    });
    lifecycle = harness.app.get(WorkOrderLifecycleService);
    queries = harness.app.get(WorkOrderQueryService);
    org = await loadOrgFixture(harness.dataSource);
    consumer = await categoryId(harness.dataSource, 'market.consumer');
  });

  afterAll(async () => harness?.close());
  beforeEach(() => harness.clock.set('2026-09-30T10:00:00+08:00'));

  const intakeInput = (overrides: Partial<IntakeInput> = {}): IntakeInput => ({
    channel: Channel.Phone,
    type: RequestType.Complaint,
    callerKind: CallerKind.Citizen,
    categoryId: consumer,
    regionCode: '652701',
    address: '博乐市青得里大街 18 号',
    subject: `超市出售过期食品 ${++phoneCounter}`,
    content: `在某超市购买的牛奶已经过期三天, 要求商家退款并查处 (${phoneCounter})`,
    caller: { phone: `1381234${String(phoneCounter).padStart(4, '0')}`, name: '张先生', contactPreference: ContactPreference.Phone },
    confidential: false,
    disposition: { kind: 'dispatch' },
    ...overrides,
  });

  const dispatched = async (overrides: Partial<IntakeInput> = {}, coUnits: string[] = []) => {
    const { order } = await lifecycle.intake(u('agent'), intakeInput(overrides));
    return (await lifecycle.dispatch(u('agent'), order.id, order.version, { leadUnitId: org.units['city.market'], coUnitIds: coUnits })).order;
  };

  it('numbers orders by China-time date and daily sequence, and sets the dispatch deadline', async () => {
    const { order, eventSequence } = await lifecycle.intake(u('agent'), intakeInput());
    expect(order.number).toMatch(/^20260930\d{5}$/);
    expect(order.status).toBe(WorkOrderStatus.Accepted);
    expect(order.version).toBe(1);
    expect(eventSequence).toBe(1);
    expect(order.dispatchDueAt?.toISOString()).toBe('2026-10-08T16:00:00.000Z'); // 1 working day: 10-08 24:00 CST
    const second = await lifecycle.intake(u('agent'), intakeInput());
    expect(Number(second.order.number) - Number(order.number)).toBe(1);
  });

  it('runs the whole lifecycle: dispatch with a co-handler, sign, reply, send back, accept, dissatisfied, reopen, second rating, archive', async () => {
    let order = await dispatched({}, [org.units['bole.qingdeli']]);
    expect(order.status).toBe(WorkOrderStatus.Dispatched);
    expect(order.signDueAt?.toISOString()).toBe('2026-10-08T16:00:00.000Z'); // sign: 1 working day
    expect(order.handleDueAt?.toISOString()).toBe('2026-10-13T16:00:00.000Z'); // complaint: 5 working days

    order = (await lifecycle.sign(u('market.handler'), order.id, order.version)).order;
    expect(order.status).toBe(WorkOrderStatus.Handling);

    const reply = {
      basis: '《消费者权益保护法》第二十四条',
      finding: '经核实, 超市确有销售过期牛奶行为, 已责令下架并退款',
      callerAnswer: '已电话告知诉求人处理结果',
      callerAnsweredAt: new Date('2026-09-30T09:30:00+08:00'),
    };
    // The lead replies once for all: not before the co-handler has contributed.
    await refused(lifecycle.reply(u('market.handler'), order.id, order.version, reply), WorkOrderErrorCode.CoHandlerInputMissing);
    await refused(lifecycle.contribute(u('market.handler'), order.id, order.version, { contribution: 'x' }), WorkOrderErrorCode.NotCoHandler);
    order = (await lifecycle.contribute(u('qingdeli.handler'), order.id, order.version, { contribution: '街道已配合现场检查' })).order;
    order = (await lifecycle.reply(u('market.handler'), order.id, order.version, reply)).order;
    expect(order.status).toBe(WorkOrderStatus.Replied);

    order = (await lifecycle.review(u('reviewer'), order.id, order.version, { decision: 'send_back', reason: '答复未说明退款金额' })).order;
    expect(order.status).toBe(WorkOrderStatus.Handling);
    expect(order.sendBackCount).toBe(1);
    order = (await lifecycle.reply(u('market.handler'), order.id, order.version, reply)).order;
    order = (await lifecycle.review(u('reviewer'), order.id, order.version, { decision: 'accept' })).order;
    expect(order.status).toBe(WorkOrderStatus.Closed);

    // Ningxia's 3-level scale: 基本满意 is not on it.
    await refused(
      lifecycle.rate(u('quality'), order.id, order.version, { handlingLevel: RatingLevel.BasicallySatisfied, surveyChannel: SurveyChannel.Sms }),
      WorkOrderErrorCode.RatingLevelNotOnScale,
    );
    order = (await lifecycle.rate(u('quality'), order.id, order.version, { handlingLevel: RatingLevel.Dissatisfied, surveyChannel: SurveyChannel.VoiceCallback })).order;
    expect(order.status).toBe(WorkOrderStatus.FollowUp);
    order = (await lifecycle.reopen(u('quality'), order.id, order.version, { reason: '诉求人称退款未到账, 非政策原因' })).order;
    expect(order.status).toBe(WorkOrderStatus.Handling);
    expect(order.reopenCount).toBe(1);
    order = (await lifecycle.reply(u('market.handler'), order.id, order.version, reply)).order;
    order = (await lifecycle.review(u('reviewer'), order.id, order.version, { decision: 'accept' })).order;
    await refused(lifecycle.archive(u('reviewer'), order.id, order.version), WorkOrderErrorCode.RatingRequired);
    order = (await lifecycle.rate(u('quality'), order.id, order.version, { handlingLevel: RatingLevel.Satisfied, surveyChannel: SurveyChannel.ManualCall })).order;
    expect(order.currentRating).toBe(RatingLevel.Satisfied); // the second rating replaces the first…
    expect((await queries.ratings(u('reviewer'), order.id)).map((r) => r.handlingLevel)).toEqual([RatingLevel.Dissatisfied, RatingLevel.Satisfied]); // …history kept
    await refused(
      lifecycle.rate(u('quality'), order.id, order.version, { handlingLevel: RatingLevel.Satisfied, surveyChannel: SurveyChannel.Sms }),
      WorkOrderErrorCode.RatingAlreadyRecorded,
    );
    order = (await lifecycle.archive(u('reviewer'), order.id, order.version)).order;
    expect(order.status).toBe(WorkOrderStatus.Archived);

    const events = await queries.events(u('reviewer'), order.id);
    expect(events.map((event) => event.type)).toEqual([
      'intake', 'dispatch', 'sign', 'contribute', 'reply', 'review', 'reply', 'review', 'rate', 'reopen', 'reply', 'review', 'rate', 'archive',
    ]);
    expect(events.map((event) => event.sequence)).toEqual(events.map((_, i) => i + 1));
    const sign = events.find((event) => event.type === 'sign')!;
    expect(sign).toMatchObject({ actorId: u('market.handler').userId, before: { status: 'dispatched', signedAt: null }, after: { status: 'handling' } });
  });

  it('keeps the event log immutable in the database itself', async () => {
    const order = await dispatched();
    await expect(harness.dataSource.query(`UPDATE work_order_events SET type = 'forged' WHERE order_id = $1`, [order.id])).rejects.toThrow(/append-only/);
    await expect(harness.dataSource.query(`DELETE FROM work_order_events WHERE order_id = $1`, [order.id])).rejects.toThrow(/append-only/);
    await expect(harness.dataSource.query(`TRUNCATE work_order_events CASCADE`)).rejects.toThrow(/append-only/);
  });

  it('refuses illegal transitions with the command, the status and where it may start from', async () => {
    const { order } = await lifecycle.intake(u('agent'), intakeInput());
    await expect(lifecycle.review(u('reviewer'), order.id, order.version, { decision: 'accept' })).rejects.toMatchObject({
      code: WorkOrderErrorCode.IllegalTransition,
      details: { command: 'review', status: 'accepted', allowedFrom: ['replied'] },
    });
    await refused(lifecycle.archive(u('reviewer'), order.id, order.version), WorkOrderErrorCode.IllegalTransition);
    await refused(lifecycle.rate(u('quality'), order.id, order.version, { handlingLevel: RatingLevel.Satisfied, surveyChannel: SurveyChannel.Sms }), WorkOrderErrorCode.IllegalTransition);
    await refused(lifecycle.reopen(u('quality'), order.id, order.version, { reason: 'x' }), WorkOrderErrorCode.IllegalTransition);
    const signed = await dispatched();
    const handling = (await lifecycle.sign(u('market.handler'), signed.id, signed.version)).order;
    await refused(lifecycle.sign(u('market.handler'), handling.id, handling.version), WorkOrderErrorCode.IllegalTransition);
    await refused(lifecycle.dispatch(u('agent'), handling.id, handling.version, { leadUnitId: org.units['city.market'] }), WorkOrderErrorCode.IllegalTransition);
  });

  it('refuses roles that may not issue a command, and hides other units’ orders', async () => {
    const order = await dispatched();
    await refused(lifecycle.sign(u('agent'), order.id, order.version), WorkOrderErrorCode.RoleNotAllowed);
    await refused(lifecycle.dispatch(u('market.handler'), order.id, order.version, { leadUnitId: org.units['city.market'] }), WorkOrderErrorCode.RoleNotAllowed);
    await refused(lifecycle.sign(u('housing.handler'), order.id, order.version), WorkOrderErrorCode.NotFound);
    await refused(queries.get(u('housing.handler'), order.id, 'test'), WorkOrderErrorCode.NotFound);
    await refused(lifecycle.intake(u('market.handler'), intakeInput()), WorkOrderErrorCode.RoleNotAllowed);
  });

  it('catches concurrent edits: one of two commands on the same version wins, the other gets STALE_VERSION', async () => {
    const order = await dispatched();
    const results = await Promise.allSettled([
      lifecycle.sign(u('market.handler'), order.id, order.version),
      lifecycle.returnOrder(u('market.handler'), order.id, order.version, { reason: '不属于本单位职责' }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: WorkOrderErrorCode.StaleVersion });
    await refused(lifecycle.sign(u('market.handler'), order.id, order.version), WorkOrderErrorCode.StaleVersion);
  });

  it('closes on the spot (直接办结), refuses with a recorded reason, transfers emergencies', async () => {
    const onSpot = await lifecycle.intake(u('agent'), intakeInput({ type: RequestType.Consultation, disposition: { kind: 'resolve_on_spot', answer: '已告知办理社保卡所需材料' } }));
    expect(onSpot.order).toMatchObject({ status: WorkOrderStatus.Closed, dispositionNote: '已告知办理社保卡所需材料', leadUnitId: null });
    const rated = await lifecycle.rate(u('agent'), onSpot.order.id, 1, { handlingLevel: RatingLevel.VerySatisfied, surveyChannel: SurveyChannel.Sms });
    expect((await lifecycle.archive(u('supervisor'), onSpot.order.id, rated.order.version)).order.status).toBe(WorkOrderStatus.Archived);

    const refusedOrder = await lifecycle.intake(
      u('agent'),
      intakeInput({ disposition: { kind: 'not_accepted', reason: NotAcceptedReason.InLegalProcedure, explanation: '该事项已进入行政复议程序, 请按原途径解决' } }),
    );
    expect(refusedOrder.order).toMatchObject({ status: WorkOrderStatus.NotAccepted, dispositionReason: 'IN_LEGAL_PROCEDURE' });

    const emergency = await lifecycle.intake(u('agent'), intakeInput({ disposition: { kind: 'transfer_emergency', line: EmergencyLine.Fire } }));
    expect(emergency.order).toMatchObject({ status: WorkOrderStatus.Transferred, transferredTo: '119' });

    const later = await lifecycle.intake(u('agent'), intakeInput());
    const declined = await lifecycle.decline(u('agent'), later.order.id, 1, { reason: NotAcceptedReason.OutsideDutiesOrJurisdiction, explanation: '属中央驻地单位职责' });
    expect(declined.order.status).toBe(WorkOrderStatus.NotAccepted);
  });

  it('forces confidentiality on reports (举报) so the reporter’s identity never reaches the unit', async () => {
    const { order } = await lifecycle.intake(u('agent'), intakeInput({ type: RequestType.Report, confidential: false }));
    expect(order.confidential).toBe(true);
  });

  describe('return, objection and arbitration', () => {
    it('returns within 1 working day, then the centre re-dispatches or overrules', async () => {
      let order = await dispatched();
      expect(order.returnDueAt?.toISOString()).toBe('2026-10-08T16:00:00.000Z');
      order = (await lifecycle.returnOrder(u('market.handler'), order.id, order.version, { reason: '属住建部门职责' })).order;
      expect(order.status).toBe(WorkOrderStatus.Returned);
      order = (await lifecycle.decideReturn(u('reviewer'), order.id, order.version, { decision: 'redispatch', leadUnitId: org.units['city.housing'], note: '改派住建局' })).order;
      expect(order).toMatchObject({ status: WorkOrderStatus.Dispatched, leadUnitId: org.units['city.housing'] });
      await refused(lifecycle.sign(u('market.handler'), order.id, order.version), WorkOrderErrorCode.NotFound);

      let other = await dispatched();
      other = (await lifecycle.returnOrder(u('market.handler'), other.id, other.version, { reason: '不是我们的' })).order;
      other = (await lifecycle.decideReturn(u('supervisor'), other.id, other.version, { decision: 'overrule', note: '属市场监管职责, 请继续办理' })).order;
      expect(other.status).toBe(WorkOrderStatus.Handling);
    });

    it('refuses a return after the window (National Day skipped: open until 10-08 24:00)', async () => {
      const order = await dispatched();
      harness.clock.set('2026-10-08T23:59:00+08:00');
      const returned = await lifecycle.returnOrder(u('market.handler'), order.id, order.version, { reason: '属住建部门职责' });
      expect(returned.order.status).toBe(WorkOrderStatus.Returned);
      harness.clock.set('2026-09-30T10:00:00+08:00');
      const late = await dispatched();
      harness.clock.set('2026-10-09T00:00:00+08:00');
      await refused(lifecycle.returnOrder(u('market.handler'), late.id, late.version, { reason: 'x' }), WorkOrderErrorCode.ReturnWindowClosed);
    });

    it('arbitrates an objection, escalates it to the management body, which alone then decides', async () => {
      let order = await dispatched();
      order = (await lifecycle.object(u('market.handler'), order.id, order.version, { reason: '职责交叉, 应由街道牵头' })).order;
      expect(order.status).toBe(WorkOrderStatus.InArbitration);
      order = (await lifecycle.arbitrate(u('reviewer'), order.id, order.version, { decision: 'escalate', note: '中心协调未果, 提请管理机构' })).order;
      expect(order.arbitrationEscalated).toBe(true);
      await refused(lifecycle.arbitrate(u('reviewer'), order.id, order.version, { decision: 'uphold', note: 'x' }), WorkOrderErrorCode.ArbitrationEscalated);
      order = (await lifecycle.arbitrate(u('admin'), order.id, order.version, { decision: 'reassign', leadUnitId: org.units['bole.qingdeli'], coUnitIds: [org.units['city.market']], note: '街道主办, 市场监管局协办' })).order;
      expect(order).toMatchObject({ status: WorkOrderStatus.Dispatched, leadUnitId: org.units['bole.qingdeli'], arbitrationEscalated: false });

      let upheld = await dispatched();
      upheld = (await lifecycle.object(u('market.handler'), upheld.id, upheld.version, { reason: 'x' })).order;
      upheld = (await lifecycle.arbitrate(u('supervisor'), upheld.id, upheld.version, { decision: 'uphold', note: '维持原派单' })).order;
      expect(upheld.status).toBe(WorkOrderStatus.Dispatched);
    });
  });

  describe('extensions (Ningxia: at most 2 requests, at most 5 working days each)', () => {
    it('approves within the limits, tells the caller, moves the deadline across the holiday', async () => {
      let order = await dispatched();
      order = (await lifecycle.sign(u('market.handler'), order.id, order.version)).order;
      await refused(lifecycle.requestExtension(u('market.handler'), order.id, order.version, { workingDays: 6, reason: '需检测' }), WorkOrderErrorCode.ExtensionTooLong);
      order = (await lifecycle.requestExtension(u('market.handler'), order.id, order.version, { workingDays: 5, reason: '需送检, 结果 5 个工作日' })).order;
      await refused(lifecycle.requestExtension(u('market.handler'), order.id, order.version, { workingDays: 1, reason: 'x' }), WorkOrderErrorCode.ExtensionAlreadyPending);
      order = (await lifecycle.decideExtension(u('reviewer'), order.id, order.version, { approve: true, callerNotice: '已短信告知诉求人延期至 10 月 20 日' })).order;
      expect(order.handleDueAt?.toISOString()).toBe('2026-10-20T16:00:00.000Z'); // 10-13 + 5 working days
      order = (await lifecycle.requestExtension(u('market.handler'), order.id, order.version, { workingDays: 2, reason: '检测延误' })).order;
      order = (await lifecycle.decideExtension(u('reviewer'), order.id, order.version, { approve: false, note: '理由不充分' })).order;
      await refused(lifecycle.requestExtension(u('market.handler'), order.id, order.version, { workingDays: 1, reason: 'x' }), WorkOrderErrorCode.ExtensionLimitReached);
      await refused(lifecycle.decideExtension(u('reviewer'), order.id, order.version, { approve: false, note: 'x' }), WorkOrderErrorCode.ExtensionNotPending);
    });

    it('refuses an extension requested after the deadline', async () => {
      let order = await dispatched();
      order = (await lifecycle.sign(u('market.handler'), order.id, order.version)).order;
      harness.clock.set('2026-10-14T00:00:00+08:00');
      await refused(lifecycle.requestExtension(u('market.handler'), order.id, order.version, { workingDays: 2, reason: 'x' }), WorkOrderErrorCode.ExtensionAfterDeadline);
    });
  });

  it('uses the emergency-linked limits: respond within 2 h, finish within 2 days', async () => {
    harness.clock.set('2026-09-30T23:00:00+08:00');
    const order = await dispatched({ emergencyLinked: true, type: RequestType.Help });
    expect(order.signDueAt?.toISOString()).toBe('2026-09-30T17:00:00.000Z'); // 10-01 01:00 CST
    expect(order.handleDueAt?.toISOString()).toBe('2026-10-02T16:00:00.000Z'); // 10-02 24:00 CST
  });

  describe('list and search', () => {
    it('finds every match newest first across the recent window and the index, page by page, for centre and unit', async () => {
      const matching: string[] = [];
      for (let i = 0; i < 12; i += 1) {
        harness.clock.advance(60_000);
        const order = i % 3 === 0
          ? await dispatched({ subject: `井盖缺失 ${i}`, content: `人行道井盖缺失存在安全隐患 ${i}` })
          : await dispatched();
        if (i % 3 === 0) matching.unshift(order.id);
      }
      // A co-handled order shows up in the co-handling unit's list too.
      const co = await dispatched({ subject: '井盖缺失 co', content: '人行道井盖缺失, 街道协办' }, [org.units['bole.qingdeli']]);
      matching.unshift(co.id);
      const collect = async (actor: Actor) => {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await queries.list(actor, { q: '井盖缺失', limit: 2, cursor });
          ids.push(...page.items.map((item) => item.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return ids;
      };
      expect(await collect(u('reviewer'))).toEqual(matching);
      expect(await collect(u('market.handler'))).toEqual(matching);
      expect(await collect(u('qingdeli.handler'))).toEqual([co.id]);
      expect((await queries.list(u('qingdeli.handler'), { limit: 100 })).items.map((item) => item.id)).toContain(co.id);
    });
  });
});
