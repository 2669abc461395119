/**
 * A deployment without an SMSC (SMS_ENABLED unset and no SMPP_URL, as under `npm start`): the SMS channel is
 * the disabled one, SMS attempts are passed over rather than retried against nothing, and every order is still
 * accounted for in the coverage report: surveyed by voice, or not surveyed with reason sms_disabled.
 */
import { DisabledSmsGateway, SmsGateway } from '@hotline/sms';
import { SURVEY_POLICY_DATA, SURVEY_WORKER_OPTIONS, SurveyAttemptHandler, SurveyChannelKind, SurveyCoverageService, SurveyPolicy, SurveysModule } from '@hotline/surveys';
import { WorkOrderLifecycleService } from '@hotline/work-orders';
import { closedOrder } from '../support/surveys-fixture';
import { categoryId, createWorkOrdersHarness, loadOrgFixture, OrgFixture, WorkOrdersHarness } from '../support/work-orders-harness';

const LONG_WAIT_MINUTES = 10 * 365 * 24 * 60;

/** SMS first, then a call: with SMS off the call must follow at once. */
const POLICIES: SurveyPolicy[] = [
  {
    presetCode: 'ningxia-2025',
    delayAfterCloseMinutes: 0,
    windows: [{ from: '09:00', to: '18:00' }],
    workingDaysOnly: true,
    channels: [
      { channel: SurveyChannelKind.Sms, attempts: 1, waitMinutes: LONG_WAIT_MINUTES },
      { channel: SurveyChannelKind.Voice, attempts: 1, waitMinutes: LONG_WAIT_MINUTES },
    ],
  },
];

describe('surveys with the SMS channel disabled (real Postgres, Redis and pg-boss; no SMSC)', () => {
  let harness: WorkOrdersHarness;
  let lifecycle: WorkOrderLifecycleService;
  let attempts: SurveyAttemptHandler;
  let org: OrgFixture;
  let consumer: string;
  let phones = 0;
  const query = <T>(sql: string, values: unknown[] = []): Promise<T[]> => harness.dataSource.query(sql, values);
  const close = async (subject: string) =>
    closedOrder(lifecycle, org.users, { categoryId: consumer, unitId: org.units['city.market'], phone: `1391111${String((phones += 1)).padStart(4, '0')}`, subject });
  const surveyOf = async (orderId: string) =>
    (await query<{ id: string; status: string; skip_reason: string | null }>(`SELECT id, status, skip_reason FROM surveys WHERE order_id = $1`, [orderId]))[0]!;
  /** A survey planned under another policy: the plan is stored with the survey, so it is what counts. */
  const replan = (surveyId: string, plan: SurveyChannelKind[]) => query(`UPDATE surveys SET channel_plan = $2 WHERE id = $1`, [surveyId, plan]);

  beforeAll(async () => {
    harness = await createWorkOrdersHarness({
      label: 'surveys_sms_off',
      modules: [SurveysModule],
      now: '2026-09-30T10:00:00+08:00',
      // The clock stands still here, so the default 1 call/s cap would hold the second call for ever.
      config: { SURVEY_VOICE_CALLS_PER_SECOND: '50' },
      providers: [
        [SURVEY_WORKER_OPTIONS, { enabled: false, pollingIntervalSeconds: 1 }],
        [SURVEY_POLICY_DATA, POLICIES],
      ],
    });
    lifecycle = harness.app.get(WorkOrderLifecycleService);
    attempts = harness.app.get(SurveyAttemptHandler);
    org = await loadOrgFixture(harness.dataSource);
    consumer = await categoryId(harness.dataSource, 'market.consumer');
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('passes over SMS attempts: the next channel goes at once, an SMS-only plan is skipped with sms_disabled, and coverage lists every order', async () => {
    expect(harness.config.SMPP_URL).toBeUndefined();
    expect(harness.app.get(SmsGateway)).toBeInstanceOf(DisabledSmsGateway);

    // SMS then voice: the SMS attempt is not made, the call is due now instead of after the SMS wait.
    const smsThenVoice = await surveyOf((await close('短信转电话')).id);
    expect(await attempts.handle({ surveyId: smsThenVoice.id, attemptNo: 1 })).toBe('sms_disabled');
    const jobs = await query<{ attempt: string; start_after: Date }>(
      `SELECT data->>'attemptNo' AS attempt, start_after FROM pgboss.job WHERE data->>'surveyId' = $1 ORDER BY created_on`,
      [smsThenVoice.id],
    );
    expect(jobs.map((job) => job.attempt)).toEqual(['1', '2']);
    expect(jobs[1]!.start_after.getTime()).toBeLessThanOrEqual(harness.clock.now().getTime());
    expect(await attempts.handle({ surveyId: smsThenVoice.id, attemptNo: 2 })).toBe('voice_sent');
    expect(await attempts.handle({ surveyId: smsThenVoice.id, attemptNo: 3 })).toBe('exhausted');

    // Only SMS planned: nothing can reach the citizen, so the survey says why instead of waiting forever.
    const smsOnly = await surveyOf((await close('只有短信')).id);
    await replan(smsOnly.id, [SurveyChannelKind.Sms, SurveyChannelKind.Sms]);
    expect(await attempts.handle({ surveyId: smsOnly.id, attemptNo: 1 })).toBe('sms_disabled');
    expect(await query(`SELECT status, skip_reason FROM surveys WHERE id = $1`, [smsOnly.id])).toEqual([{ status: 'skipped', skip_reason: 'sms_disabled' }]);
    expect(await attempts.handle({ surveyId: smsOnly.id, attemptNo: 2 })).toBe('skipped'); // a late job finds it closed

    // Voice then SMS: the call was made, so it ends exhausted (a manual call), not "not surveyed".
    const voiceThenSms = await surveyOf((await close('电话转短信')).id);
    await replan(voiceThenSms.id, [SurveyChannelKind.Voice, SurveyChannelKind.Sms]);
    expect(await attempts.handle({ surveyId: voiceThenSms.id, attemptNo: 1 })).toBe('voice_sent');
    expect(await attempts.handle({ surveyId: voiceThenSms.id, attemptNo: 2 })).toBe('sms_disabled');
    expect((await query<{ status: string }>(`SELECT status FROM surveys WHERE id = $1`, [voiceThenSms.id]))[0]).toEqual({ status: 'exhausted' });

    // No SMS attempt row was written: nothing claims an SMS went out.
    expect(await query(`SELECT 1 FROM survey_attempts WHERE channel = 'sms'`)).toEqual([]);

    const report = await harness.app.get(SurveyCoverageService).report('2026-09-30', '2026-09-30');
    expect(report.closed).toBe(3);
    expect(report.closed).toBe(report.surveyed + report.notSurveyed.length);
    expect(report.surveyedByChannel).toEqual({ voice_callback: 2 });
    expect(report.notSurveyed).toEqual([expect.objectContaining({ reason: 'sms_disabled' })]);
    expect(report.notRated.map((entry) => [entry.surveyStatus, entry.channelsTried])).toEqual([
      ['exhausted', ['voice_callback']],
      ['exhausted', ['voice_callback']],
    ]);
  }, 60_000);
});
