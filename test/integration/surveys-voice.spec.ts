import Redis from 'ioredis';
import { REDIS_CLIENT } from '@hotline/redis';
import {
  callControlCommandStream,
  COMMAND_STREAM_FIELD,
  OutboundCallCommand,
  parseOutboundCallCommand,
  SurveyCallResult,
  surveyCallResultStream,
} from '@hotline/realtime';
import {
  SURVEY_POLICY_DATA,
  SURVEY_WORKER_OPTIONS,
  SurveyAttemptHandler,
  SurveyCallResultConsumer,
  SurveysModule,
} from '@hotline/surveys';
import { WorkOrderLifecycleService, WorkOrderStatus } from '@hotline/work-orders';
import { SmscTestServer } from '../support/smsc-test-server';
import { closedOrder, SMSC_CREDENTIALS, surveyTestConfig, TEST_SURVEY_POLICIES } from '../support/surveys-fixture';
import { categoryId, createWorkOrdersHarness, loadOrgFixture, OrgFixture, WorkOrdersHarness } from '../support/work-orders-harness';
import { waitFor } from '../support/wait-for';


/**
 * The survey side of the voice seam, with this test playing call-control: it reads `survey.call` commands
 * from the Redis stream (validating them as call-control must) and answers with SurveyCallResults.
 */
describe('voice survey seam (Bortala: 5 levels, voice twice then SMS; real Redis streams and Postgres)', () => {
  let smsc: SmscTestServer;
  let harness: WorkOrdersHarness;
  let lifecycle: WorkOrderLifecycleService;
  let attempts: SurveyAttemptHandler;
  let redis: Redis;
  let org: OrgFixture;
  let consumer: string;
  let lastId = '0';

  beforeAll(async () => {
    smsc = new SmscTestServer(SMSC_CREDENTIALS);
    await smsc.start();
    harness = await createWorkOrdersHarness({
      label: 'surveys_voice',
      modules: [SurveysModule],
      now: '2026-09-30T10:00:00+08:00',
      config: { ...surveyTestConfig(smsc.url), SLA_PRESET: 'bortala-2020', SURVEY_VOICE_MAX_CONCURRENT: '1', SURVEY_VOICE_CALLS_PER_SECOND: '5' },
      providers: [
        [SURVEY_WORKER_OPTIONS, { enabled: false, pollingIntervalSeconds: 1 }],
        [SURVEY_POLICY_DATA, TEST_SURVEY_POLICIES],
      ],
    });
    lifecycle = harness.app.get(WorkOrderLifecycleService);
    attempts = harness.app.get(SurveyAttemptHandler);
    redis = harness.app.get(REDIS_CLIENT);
    org = await loadOrgFixture(harness.dataSource);
    consumer = await categoryId(harness.dataSource, 'market.consumer');
    await harness.app.get(SurveyCallResultConsumer).start('voice-test');
  }, 60_000);

  afterAll(async () => {
    await harness?.app.get(SurveyCallResultConsumer).stop();
    await harness?.close();
    await smsc?.stop();
  });

  /** What call-control would read next from its command stream. */
  const nextCommand = async (): Promise<OutboundCallCommand<'survey.call'>> => {
    const entries = await redis.xrange(callControlCommandStream(harness.config.REDIS_PREFIX), `(${lastId}`, '+', 'COUNT', 1);
    expect(entries).toHaveLength(1);
    const [id, fields] = entries[0];
    lastId = id;
    return parseOutboundCallCommand(fields[fields.indexOf(COMMAND_STREAM_FIELD) + 1]) as OutboundCallCommand<'survey.call'>;
  };

  const answer = (command: OutboundCallCommand<'survey.call'>, outcome: SurveyCallResult['outcome'], digit: string | null = null) => {
    const result: SurveyCallResult = {
      commandId: command.id,
      surveyId: command.payload.surveyId,
      attemptId: command.payload.attemptId,
      outcome,
      digit,
      commentRecordingRef: null,
      endedAt: new Date().toISOString(),
    };
    return redis.xadd(surveyCallResultStream(harness.config.REDIS_PREFIX), '*', COMMAND_STREAM_FIELD, JSON.stringify(result));
  };

  const attemptStatus = async (attemptId: string) =>
    ((await harness.dataSource.query(`SELECT status FROM survey_attempts WHERE id = $1`, [attemptId])) as { status: string }[])[0]?.status;

  it('calls with the subject and the 5 Bortala options, caps concurrent calls, retries on busy and rates by DTMF', async () => {
    const phone = '13500000001';
    const order = await closedOrder(lifecycle, org.users, { categoryId: consumer, unitId: org.units['city.market'], phone, subject: '小区供暖不热' });
    const other = await closedOrder(lifecycle, org.users, { categoryId: consumer, unitId: org.units['city.market'], phone: '13500000002', subject: '路面坑洼' });
    const surveyOf = async (orderId: string) => ((await harness.dataSource.query(`SELECT id FROM surveys WHERE order_id = $1`, [orderId])) as { id: string }[])[0].id;
    const survey = await surveyOf(order.id);

    expect(await attempts.handle({ surveyId: survey, attemptNo: 1 })).toBe('voice_sent');
    const first = await nextCommand();
    expect(first.type).toBe('survey.call');
    expect(first.payload).toMatchObject({ destination: phone, callerId: '12345', subject: '小区供暖不热', surveyId: survey });
    expect(first.payload.options.map((option) => `${option.digit}${option.label}`)).toEqual(['1非常满意', '2满意', '3基本满意', '4不满意', '5非常不满意']);

    // One call may be up at a time: the other survey's call waits (deferred), it is not dropped.
    expect(await attempts.handle({ surveyId: await surveyOf(other.id), attemptNo: 1 })).toBe('voice_capped');

    await answer(first, 'busy');
    await waitFor(async () => (await attemptStatus(first.payload.attemptId)) === 'busy');
    expect(await attempts.handle({ surveyId: survey, attemptNo: 2 })).toBe('voice_sent');
    const second = await nextCommand();
    expect(second.payload.attemptId).not.toBe(first.payload.attemptId);

    // The citizen presses 4 (不满意): the rating lands on the order and a follow-up opens.
    await answer(second, 'rated', '4');
    await waitFor(async () => (await attemptStatus(second.payload.attemptId)) === 'answered');
    await waitFor(async () => {
      const rows = (await harness.dataSource.query(`SELECT status, current_rating FROM work_orders WHERE id = $1`, [order.id])) as { status: string }[];
      return rows[0].status === WorkOrderStatus.FollowUp;
    });
    const rating = await harness.dataSource.query(`SELECT handling_level, survey_channel FROM work_order_ratings WHERE order_id = $1`, [order.id]);
    expect(rating).toEqual([{ handling_level: 'dissatisfied', survey_channel: 'voice_callback' }]);
    expect(await harness.dataSource.query(`SELECT round, status FROM survey_follow_ups WHERE order_id = $1`, [order.id])).toEqual([{ round: 1, status: 'open' }]);
    // A duplicate result (redelivery) changes nothing.
    await answer(second, 'rated', '1');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await harness.dataSource.query(`SELECT count(*)::int AS n FROM work_order_ratings WHERE order_id = $1`, [order.id])).toEqual([{ n: 1 }]);
  });

  it('falls back to SMS after the voice attempts go unanswered', async () => {
    const phone = '13500000003';
    const order = await closedOrder(lifecycle, org.users, { categoryId: consumer, unitId: org.units['city.market'], phone, subject: '噪音扰民' });
    const [{ id: survey }] = (await harness.dataSource.query(`SELECT id FROM surveys WHERE order_id = $1`, [order.id])) as { id: string }[];
    // The capped survey from the first test still waits; call-control answers ours with no answer twice.
    for (const attemptNo of [1, 2]) {
      let outcome = await attempts.handle({ surveyId: survey, attemptNo });
      if (outcome === 'voice_capped') {
        // A line is still held by a call whose result never came: let it go stale as the next attempt would.
        await harness.dataSource.query(`UPDATE survey_attempts SET status = 'no_answer' WHERE status = 'dialing'`);
        outcome = await attempts.handle({ surveyId: survey, attemptNo });
      }
      expect(outcome).toBe('voice_sent');
      const entries = await redis.xrevrange(callControlCommandStream(harness.config.REDIS_PREFIX), '+', '-', 'COUNT', 1);
      const command = parseOutboundCallCommand(entries[0][1][1]) as OutboundCallCommand<'survey.call'>;
      await answer(command, 'no_answer');
      await waitFor(async () => (await attemptStatus(command.payload.attemptId)) === 'no_answer');
    }
    expect(await attempts.handle({ surveyId: survey, attemptNo: 3 })).toBe('sms_sent');
    const [text] = smsc.messagesTo(phone);
    expect(text).toContain('噪音扰民');
    expect(text).toContain('5 非常不满意');
  });
});
