import request from 'supertest';
import { DEMO_PASSWORD } from '@hotline/auth';
import { Actor } from '@hotline/org';
import { SmsGateway } from '@hotline/sms';
import {
  SmsInboundHandler,
  SURVEY_POLICY_DATA,
  SURVEY_QUEUE,
  SURVEY_WORKER_OPTIONS,
  SurveyAttemptHandler,
  SurveyCoverageService,
  surveyJobId,
  SurveyScheduler,
  SurveyReconciler,
  SurveysModule,
} from '@hotline/surveys';
import { CallerKind, RequestType } from '@hotline/sla';
import { Channel, ContactPreference, TransactionRunner, WorkOrderLifecycleService, WorkOrderRepository, WorkOrderStatus } from '@hotline/work-orders';
import { SurveysHttpModule } from '../../apps/api/src/surveys/surveys-http.module';
import { WorkOrdersHttpModule } from '../../apps/api/src/work-orders/work-orders-http.module';
import { SmscTestServer } from '../support/smsc-test-server';
import { closedOrder, handleAndClose, SMSC_CREDENTIALS, surveyTestConfig, TEST_SURVEY_POLICIES } from '../support/surveys-fixture';
import { categoryId, createWorkOrdersHarness, loadOrgFixture, OrgFixture, WorkOrdersHarness } from '../support/work-orders-harness';
import { waitFor } from '../support/wait-for';


describe('satisfaction surveys (real Postgres, Redis, pg-boss and an SMPP server as the SMSC)', () => {
  let smsc: SmscTestServer;
  let harness: WorkOrdersHarness;
  let lifecycle: WorkOrderLifecycleService;
  let attempts: SurveyAttemptHandler;
  let org: OrgFixture;
  let consumer: string;
  let phones = 0;
  const u = (name: string): Actor => org.users[name];
  const nextPhone = () => `1390000${String((phones += 1)).padStart(4, '0')}`;
  const query = <T>(sql: string, values: unknown[] = []): Promise<T[]> => harness.dataSource.query(sql, values);
  const surveysOf = (orderId: string) =>
    query<{ id: string; round: number; status: string; skip_reason: string | null; rated_level: string | null }>(
      `SELECT id, round, status, skip_reason, rated_level FROM surveys WHERE order_id = $1 ORDER BY round`,
      [orderId],
    );
  const close = (phone: string, subject: string, contactPreference?: ContactPreference) =>
    closedOrder(lifecycle, org.users, { categoryId: consumer, unitId: org.units['city.market'], phone, subject, contactPreference });

  beforeAll(async () => {
    smsc = new SmscTestServer(SMSC_CREDENTIALS);
    await smsc.start();
    harness = await createWorkOrdersHarness({
      label: 'surveys',
      modules: [SurveysModule, SurveysHttpModule, WorkOrdersHttpModule],
      now: '2026-09-30T10:00:00+08:00',
      config: surveyTestConfig(smsc.url),
      providers: [
        // Attempts are run by hand here; the restart test runs the real worker in its own process.
        [SURVEY_WORKER_OPTIONS, { enabled: false, pollingIntervalSeconds: 1 }],
        [SURVEY_POLICY_DATA, TEST_SURVEY_POLICIES],
      ],
    });
    lifecycle = harness.app.get(WorkOrderLifecycleService);
    attempts = harness.app.get(SurveyAttemptHandler);
    org = await loadOrgFixture(harness.dataSource);
    consumer = await categoryId(harness.dataSource, 'market.consumer');
    // What the worker does at start: replies and receipts from the SMSC go to the inbound handler.
    const sms = harness.app.get(SmsGateway);
    const inbound = harness.app.get(SmsInboundHandler);
    sms.onInbound((message) => inbound.handle(message));
    await sms.start();
    await waitFor(async () => smsc.bound());
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await smsc?.stop();
  });

  it('enqueues the survey with the change that closes the order, and nothing when that change rolls back', async () => {
    const order = await close(nextPhone(), '过期牛奶');
    const [survey] = await surveysOf(order.id);
    expect(survey).toMatchObject({ round: 1, status: 'scheduled' });
    const jobs = await query<{ id: string; name: string }>(`SELECT id, name FROM pgboss.job WHERE data->>'surveyId' = $1`, [survey.id]);
    expect(jobs).toEqual([{ id: surveyJobId({ surveyId: survey.id, attemptNo: 1 }), name: SURVEY_QUEUE }]);

    // A command that fails after the hook ran leaves neither survey nor job (same transaction).
    const { order: open } = await lifecycle.intake(u('agent'), {
      channel: Channel.Phone,
      type: RequestType.Consultation,
      callerKind: CallerKind.Citizen,
      categoryId: consumer,
      subject: '回滚测试',
      content: '回滚测试',
      caller: { phone: nextPhone(), contactPreference: ContactPreference.Phone },
      confidential: false,
      disposition: { kind: 'dispatch' },
    });
    await expect(
      harness.app.get(TransactionRunner).run(async (tx) => {
        await harness.app.get(SurveyScheduler).schedule(tx, { ...open, status: WorkOrderStatus.Closed }, harness.clock.now());
        throw new Error('command failed after the hook');
      }),
    ).rejects.toThrow('command failed');
    expect(await surveysOf(open.id)).toEqual([]);
    expect(await query(`SELECT 1 FROM pgboss.job j JOIN surveys s ON s.id::text = j.data->>'surveyId' WHERE s.order_id = $1`, [open.id])).toEqual([]);
  });

  it('skips callers who asked for no contact, and numbers that opted out by SMS, with the reason recorded', async () => {
    const quiet = await close(nextPhone(), '要求不回复', ContactPreference.NoContact);
    expect(await surveysOf(quiet.id)).toEqual([expect.objectContaining({ status: 'skipped', skip_reason: 'no_contact' })]);

    const phone = nextPhone();
    expect(await smsc.sendMo(phone, '12345', '退订')).toBe(0);
    await waitFor(async () => (await query(`SELECT 1 FROM survey_opt_outs WHERE phone = $1`, [phone])).length === 1);
    const optedOut = await close(phone, '退订用户的诉求');
    expect(await surveysOf(optedOut.id)).toEqual([expect.objectContaining({ status: 'skipped', skip_reason: 'opted_out' })]);
  });

  it('runs the whole loop: UCS-2 SMS naming the subject → receipt → reply "3" → follow-up → 重办 → second survey whose rating replaces the first', async () => {
    const phone = nextPhone();
    let order = await close(phone, '超市销售过期牛奶');
    const [first] = await surveysOf(order.id);

    expect(await attempts.handle({ surveyId: first.id, attemptNo: 1 })).toBe('sms_sent');
    expect(await attempts.handle({ surveyId: first.id, attemptNo: 1 })).toBe('attempt_done'); // a redelivered job sends nothing
    const parts = smsc.submits.filter((submit) => submit.destination === phone);
    expect(parts.length).toBeGreaterThan(1); // long Chinese text: concatenated
    expect(parts.every((part) => part.dataCoding === 8 && (part.esmClass & 0x40) !== 0 && part.registeredDelivery === 1)).toBe(true);
    const [text] = smsc.messagesTo(phone);
    expect(text).toContain('超市销售过期牛奶');
    expect(text).toContain('1 非常满意');
    expect(text).toContain('2 满意');
    expect(text).toContain('3 不满意');

    expect(await smsc.sendReceipt(parts[0], 'DELIVRD')).toBe(0);
    const receipts = await query<{ receipt_status: string }>(`SELECT receipt_status FROM sms_messages WHERE smsc_message_id = $1`, [parts[0].messageId]);
    expect(receipts).toEqual([{ receipt_status: 'DELIVRD' }]);

    // The citizen replies "3" (不满意): the rating lands on the order and a follow-up opens.
    expect(await smsc.sendMo(`86${phone}`, '12345', ' 3 ')).toBe(0);
    const rated = await query<{ status: string; current_rating: string; version: number }>(`SELECT status, current_rating, version FROM work_orders WHERE id = $1`, [order.id]);
    expect(rated[0]).toMatchObject({ status: WorkOrderStatus.FollowUp, current_rating: 'dissatisfied' });
    expect(await surveysOf(order.id)).toEqual([expect.objectContaining({ status: 'rated', rated_level: 'dissatisfied' })]);

    // Quality staff list and classify it over HTTP: the unit's handling → reopened (重办).
    const http = () => request(harness.app.getHttpServer());
    const token = (await http().post('/auth/login').send({ username: 'quality', password: DEMO_PASSWORD }).expect(200)).body.accessToken as string;
    const list = await http().get('/surveys/follow-ups?status=open').set('Authorization', `Bearer ${token}`).expect(200);
    const task = list.body.followUps.find((candidate: { orderId: string }) => candidate.orderId === order.id);
    expect(task).toMatchObject({ round: 1, ratingLevel: 'dissatisfied', status: 'open', subject: '超市销售过期牛奶', surveyChannel: 'sms', ratedAt: expect.any(String) });
    await http().post(`/surveys/follow-ups/${task.id}/classify`).set('Authorization', `Bearer ${token}`).send({ cause: 'nope', notes: 'x' }).expect(400);
    const classified = await http()
      .post(`/surveys/follow-ups/${task.id}/classify`)
      .set('Authorization', `Bearer ${token}`)
      .send({ cause: 'handling', notes: '诉求人称退款未到账, 属办理问题' })
      .expect(200);
    expect(classified.body.followUp).toMatchObject({ status: 'classified', cause: 'handling' });
    const again = await http().post(`/surveys/follow-ups/${task.id}/classify`).set('Authorization', `Bearer ${token}`).send({ cause: 'policy', notes: 'x' }).expect(409);
    expect(again.body.code).toBe('FOLLOW_UP_ALREADY_CLASSIFIED');

    // The unit handles it again; closing schedules round 2, and its rating replaces the first.
    const reopened = (await query<{ status: string; version: number }>(`SELECT status, version FROM work_orders WHERE id = $1`, [order.id]))[0];
    expect(reopened.status).toBe(WorkOrderStatus.Handling);
    const current = await harness.app.get(WorkOrderRepository).findById(harness.app.get(TransactionRunner).sql(), order.id);
    order = await handleAndClose(lifecycle, org.users, current!);
    const rounds = await surveysOf(order.id);
    expect(rounds.map((survey) => [survey.round, survey.status])).toEqual([
      [1, 'rated'],
      [2, 'scheduled'],
    ]);
    expect(await attempts.handle({ surveyId: rounds[1].id, attemptNo: 1 })).toBe('sms_sent');
    expect(await smsc.sendMo(phone, '12345', '１')).toBe(0);
    const final = await query<{ status: string; current_rating: string; rating_round: number }>(`SELECT status, current_rating, rating_round FROM work_orders WHERE id = $1`, [order.id]);
    expect(final[0]).toEqual({ status: WorkOrderStatus.Closed, current_rating: 'very_satisfied', rating_round: 2 });
    const history = await query<{ round: number; handling_level: string; survey_channel: string }>(
      `SELECT round, handling_level, survey_channel FROM work_order_ratings WHERE order_id = $1 ORDER BY round`,
      [order.id],
    );
    expect(history).toEqual([
      { round: 1, handling_level: 'dissatisfied', survey_channel: 'sms' },
      { round: 2, handling_level: 'very_satisfied', survey_channel: 'sms' },
    ]);
    // A reply nobody asked for is kept, not applied.
    expect(await smsc.sendMo(phone, '12345', '3')).toBe(0);
    expect((await query<{ outcome: string }>(`SELECT outcome FROM sms_inbound WHERE source = $1 ORDER BY id DESC LIMIT 1`, [phone]))[0].outcome).toBe('no_open_survey');
  });

  it('retries while the SMSC is down and sends once it is back; an undelivered receipt brings the next attempt forward', async () => {
    const phone = nextPhone();
    const order = await close(phone, '路灯不亮');
    const [survey] = await surveysOf(order.id);
    await smsc.stop();
    await expect(attempts.handle({ surveyId: survey.id, attemptNo: 1 })).rejects.toThrow(/SMSC|bound/);
    expect((await query<{ status: string }>(`SELECT status FROM survey_attempts WHERE survey_id = $1`, [survey.id]))[0].status).toBe('retrying');
    await smsc.start();
    smsc.failSubmits = 1; // back, but the first submit is refused: retried again
    let outcome = '';
    await waitFor(async () => {
      outcome = await attempts.handle({ surveyId: survey.id, attemptNo: 1 }).catch((error: Error) => error.message);
      return outcome === 'sms_sent';
    }, 30_000);
    expect(smsc.messagesTo(phone)).toHaveLength(1);

    const first = smsc.submits.find((submit) => submit.destination === phone)!;
    expect(await smsc.sendReceipt(first, 'UNDELIV')).toBe(0);
    const early = await query<{ count: string }>(`SELECT count(*) FROM pgboss.job WHERE data->>'surveyId' = $1 AND (data->>'attemptNo')::int = 2 AND start_after <= now() + interval '1 minute'`, [survey.id]);
    expect(Number(early[0].count)).toBe(1);
    expect(await attempts.handle({ surveyId: survey.id, attemptNo: 2 })).toBe('sms_sent');
    expect(smsc.messagesTo(phone)).toHaveLength(2);
    // Two SMS attempts in the plan: the third job closes the survey as exhausted, listed for a manual call.
    expect(await attempts.handle({ surveyId: survey.id, attemptNo: 3 })).toBe('exhausted');
  }, 60_000);

  it('at worker start, gives a survey to a closed order that has none and a job to an open survey that lost its own', async () => {
    const orphan = await close(nextPhone(), '井盖缺失');
    const [survey] = await surveysOf(orphan.id);
    await query(`DELETE FROM pgboss.job WHERE data->>'surveyId' = $1`, [survey.id]);
    const missing = await close(nextPhone(), '公交晚点');
    // As if it had been closed before the survey module existed.
    await query(`DELETE FROM surveys WHERE order_id = $1`, [missing.id]);
    await query(`DELETE FROM pgboss.job WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.id::text = data->>'surveyId')`, [SURVEY_QUEUE]);
    const coverage = await harness.app.get(SurveyCoverageService).report('2026-09-30', '2026-09-30');
    expect(coverage.notSurveyed).toEqual(expect.arrayContaining([expect.objectContaining({ number: missing.number, reason: 'missing_survey' })]));

    expect(await harness.app.get(SurveyReconciler).reconcile()).toBe(2);
    expect(await surveysOf(missing.id)).toEqual([expect.objectContaining({ round: 1, status: 'scheduled' })]);
    const jobs = await query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'surveyId' = $1 AND state = 'created'`, [survey.id]);
    expect(jobs).toEqual([{ n: 1 }]);
    expect(await attempts.handle({ surveyId: survey.id, attemptNo: 1 })).toBe('sms_sent');
    expect(await harness.app.get(SurveyReconciler).reconcile()).toBe(0); // the sent attempt's follow-on job is waiting
  });

  it('reports coverage: closed vs surveyed vs rated by channel, satisfaction and reopen rates, and every order not surveyed with why', async () => {
    const report = await harness.app.get(SurveyCoverageService).report('2026-09-30', '2026-09-30');
    const statuses = await query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM surveys GROUP BY status`);
    expect(report.closed).toBe(statuses.reduce((sum, row) => sum + Number(row.n), 0));
    expect(report.rated).toBe(2);
    expect(report.ratedByChannel).toEqual({ sms: 2 });
    expect(report.satisfactionRate).toBe(0.5);
    expect(report.surveyedByChannel.sms).toBe(report.surveyed);
    expect(report.reopenRate).toBeGreaterThan(0);
    const reasons = report.notSurveyed.map((entry) => entry.reason).sort();
    expect(reasons).toEqual(expect.arrayContaining(['no_contact', 'opted_out', 'pending']));
    expect(report.closed).toBe(report.surveyed + report.notSurveyed.length);
    expect(report.notRated).toEqual(expect.arrayContaining([expect.objectContaining({ surveyStatus: 'exhausted', channelsTried: ['sms'] })]));

    // Over HTTP, for quality staff; a unit handler may not read it.
    const http = () => request(harness.app.getHttpServer());
    const login = async (username: string) => (await http().post('/auth/login').send({ username, password: DEMO_PASSWORD }).expect(200)).body.accessToken as string;
    const body = (await http().get('/surveys/coverage?from=2026-09-30&to=2026-09-30').set('Authorization', `Bearer ${await login('quality')}`).expect(200)).body;
    expect(body.closed).toBe(report.closed);
    await http().get('/surveys/coverage?from=2026-09-30&to=2026-09-30').set('Authorization', `Bearer ${await login('market.handler')}`).expect(403);
    await http().get('/surveys/coverage?from=2026-10-30&to=2026-09-30').set('Authorization', `Bearer ${await login('quality')}`).expect(400);
  });
});
