import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { findFreePorts } from '@hotline/provisioning';
import {
  callControlCommandStream,
  COMMAND_STREAM_FIELD,
  OutboundCallCommand,
  parseOutboundCallCommand,
  parseSurveyCallResult,
  SurveyCallResult,
  surveyCallResultStream,
} from '@hotline/realtime';
import { SURVEY_POLICY_DATA, SURVEY_WORKER_OPTIONS, SurveyAttemptHandler, SurveyCallResultConsumer, SurveysModule } from '@hotline/surveys';
import { WorkOrder, WorkOrderLifecycleService } from '@hotline/work-orders';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { CallControlChild, startCallControlChild } from '../support/call-control-child';
import { dtmfSequenceXml, runSipp, SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { SmscTestServer } from '../support/smsc-test-server';
import { SurveyCallPrompts } from '../../apps/call-control/src/surveys/survey-call.prompts';
import { TtsPromptService } from '../../apps/call-control/src/ivr/tts-prompt.service';
import { closedOrder, SMSC_CREDENTIALS, surveyTestConfig, TEST_SURVEY_POLICIES } from '../support/surveys-fixture';
import { categoryId, createWorkOrdersHarness, loadOrgFixture, OrgFixture, WorkOrdersHarness } from '../support/work-orders-harness';

const SURVEY_CITIZEN = path.join(__dirname, '..', 'support', 'sipp', 'scenarios', 'survey-citizen.xml');
const MAX_CONCURRENT = 2;

interface Campaign {
  order: WorkOrder;
  surveyId: string;
  phone: string;
}

/**
 * Automated voice surveys end to end: the real survey side (libs/surveys: attempt handler issuing
 * `survey.call` into the Redis stream, result consumer rating the order) and real call-control consuming
 * that stream, dialling through real Asterisk's carrier trunk to a SIPp UAS playing the citizens. The dialled
 * number tells the SIPp citizen what to do (survey-citizen.xml). call-control is capped at 2 survey calls.
 */
describe('voice survey calls (real Asterisk, call-control, SIPp citizens via the carrier, Redis, Postgres)', () => {
  let h: CallControlHarness;
  /** call-control in its own process, so a test can kill it mid-call (SIGKILL, as in a crash). */
  let callControl: CallControlChild | null = null;
  let smsc: SmscTestServer;
  let surveys: WorkOrdersHarness;
  let citizens: SippUas;
  let lifecycle: WorkOrderLifecycleService;
  let attempts: SurveyAttemptHandler;
  let org: OrgFixture;
  let category: string;
  let phoneSequence = 0;
  /** Most survey channels seen up at once in Asterisk while the campaign ran (ARI GET /channels). */
  let peakChannels = 0;
  const campaign = new Map<string, Campaign>();

  beforeAll(async () => {
    const [uasPort] = (await findFreePorts(1)) as [number];
    citizens = await startSippUas({
      scenarioFile: SURVEY_CITIZEN,
      variables: {
        PRESS_AFTER_MS: 3_000,
        HANGUP_AFTER_MS: 2_500,
        PRESS_1: dtmfSequenceXml('1'),
        PRESS_2: dtmfSequenceXml('2'),
        PRESS_3: dtmfSequenceXml('3'),
        PRESS_4: dtmfSequenceXml('4'),
        PRESS_5: dtmfSequenceXml('5'),
        // 0 is no option on the 5-level scale; 3 is. (0 before 3 keeps the pcaps' RTP time rising.)
        PRESS_INVALID_THEN_VALID: dtmfSequenceXml('03', 4_000),
      },
      localPort: uasPort,
      timeoutMs: 900_000,
    });
    h = await startCallControlHarness('voice-survey', {
      rtpFrom: 40_000,
      rtpPorts: 100,
      config: {
        OUTBOUND_ENDPOINT_TEMPLATE: `PJSIP/carrier/sip:{number}@127.0.0.1:${uasPort}`,
        SURVEY_MAX_CONCURRENT_CALLS: String(MAX_CONCURRENT),
        SURVEY_CALLS_PER_SECOND: '5',
        SLA_PRESET: 'bortala-2020',
      },
      startCallControl: false,
    });
    callControl = await startCallControlChild(h.config, 'call-control#1');
    smsc = new SmscTestServer(SMSC_CREDENTIALS);
    await smsc.start();
    surveys = await createWorkOrdersHarness({
      label: 'voice_survey',
      modules: [SurveysModule],
      now: '2026-09-30T10:00:00+08:00',
      database: h.database,
      config: {
        ...surveyTestConfig(smsc.url),
        SLA_PRESET: 'bortala-2020',
        // The same deployment as call-control: its streams are namespaced by this prefix.
        REDIS_PREFIX: h.config.REDIS_PREFIX,
        // The survey side lets every call through here, so call-control's own cap is what is tested.
        SURVEY_VOICE_MAX_CONCURRENT: '50',
        SURVEY_VOICE_CALLS_PER_SECOND: '50',
      },
      providers: [
        [SURVEY_WORKER_OPTIONS, { enabled: false, pollingIntervalSeconds: 1 }],
        [SURVEY_POLICY_DATA, TEST_SURVEY_POLICIES],
      ],
    });
    lifecycle = surveys.app.get(WorkOrderLifecycleService);
    attempts = surveys.app.get(SurveyAttemptHandler);
    org = await loadOrgFixture(surveys.dataSource);
    category = await categoryId(surveys.dataSource, 'market.consumer');
    await surveys.app.get(SurveyCallResultConsumer).start('voice-survey-test');
  }, 180_000);

  afterAll(async () => {
    await surveys?.app.get(SurveyCallResultConsumer).stop();
    await surveys?.close();
    await smsc?.stop();
    await callControl?.stop();
    await h?.close();
    await citizens?.stop();
  }, 60_000);

  /** A closed order whose caller has this number; its survey's first attempt is due now. */
  const closedWithSurvey = async (behaviour: string, subject: string): Promise<Campaign> => {
    phoneSequence += 1;
    const phone = `${behaviour}${String(phoneSequence).padStart(11 - behaviour.length, '0')}`;
    const order = await closedOrder(lifecycle, org.users, { categoryId: category, unitId: org.units['city.market'], phone, subject });
    const [{ id: surveyId }] = (await surveys.dataSource.query(`SELECT id FROM surveys WHERE order_id = $1`, [order.id])) as { id: string }[];
    return { order, surveyId, phone };
  };

  const attemptsOf = async (surveyId: string) =>
    (await surveys.dataSource.query(`SELECT id, attempt_no, status FROM survey_attempts WHERE survey_id = $1 ORDER BY attempt_no`, [surveyId])) as { id: string; attempt_no: number; status: string }[];

  /** The valid commands in call-control's stream (a test also puts malformed entries there). */
  const commands = async (): Promise<OutboundCallCommand<'survey.call'>[]> =>
    (await h.redis.xrange(callControlCommandStream(h.config.REDIS_PREFIX), '-', '+')).flatMap(([, fields]) => {
      try {
        return [parseOutboundCallCommand(fields[fields.indexOf(COMMAND_STREAM_FIELD) + 1] ?? '') as OutboundCallCommand<'survey.call'>];
      } catch {
        return [];
      }
    });

  const results = async (): Promise<SurveyCallResult[]> =>
    (await h.redis.xrange(surveyCallResultStream(h.config.REDIS_PREFIX), '-', '+')).map(([, fields]) => parseSurveyCallResult(fields[fields.indexOf(COMMAND_STREAM_FIELD) + 1]!));

  const resultsFor = async (surveyId: string) => (await results()).filter((result) => result.surveyId === surveyId);

  const rating = async (orderId: string) =>
    (await surveys.dataSource.query(`SELECT handling_level, survey_channel FROM work_order_ratings WHERE order_id = $1`, [orderId])) as { handling_level: string; survey_channel: string }[];

  const surveyChannelsUp = async (): Promise<number> => {
    const response = await fetch(`${h.asterisk.ariUrl}/ari/channels`, {
      headers: { Authorization: `Basic ${Buffer.from(`${h.asterisk.ariUsername}:${h.asterisk.ariPassword}`).toString('base64')}` },
    });
    const channels = (await response.json()) as { id: string }[];
    return channels.filter((channel) => channel.id.startsWith('survey-')).length;
  };

  describe('a campaign of ten survey calls, two at a time', () => {
    beforeAll(async () => {
      const plan: Array<[key: string, behaviour: string, subject: string]> = [
        ['press1', '1390011', '小区供暖不热'],
        ['press2', '1390012', '路面坑洼'],
        ['press3', '1390013', '噪音扰民'],
        ['press4', '1390014', '超市销售过期牛奶'],
        ['press5', '1390015', '公交站台破损'],
        ['busy', '13900200', '路灯不亮'],
        ['noanswer', '13900300', '占道经营'],
        ['hangupmid', '13900400', '垃圾清运不及时'],
        ['invalid', '13900500', '小区停水'],
        ['silent', '13900600', '违章停车'],
      ];
      for (const [key, behaviour, subject] of plan) campaign.set(key, await closedWithSurvey(behaviour, subject));
      // The survey side issues every call at once; call-control must take them two at a time.
      for (const { surveyId } of campaign.values()) expect(await attempts.handle({ surveyId, attemptNo: 1 })).toBe('voice_sent');
      const sampler = setInterval(() => {
        void surveyChannelsUp().then(
          (up) => (peakChannels = Math.max(peakChannels, up)),
          (error: Error) => process.stderr.write(`channel sample failed: ${error.message}\n`),
        );
      }, 200);
      try {
        await waitFor(async () => (await results()).length >= campaign.size, 400_000, 'a result for every survey call');
      } finally {
        clearInterval(sampler);
      }
    }, 420_000);

    it('issues each call with the subject, the hotline caller id and the five Bortala options', async () => {
      const issued = await commands();
      expect(issued).toHaveLength(campaign.size);
      const first = issued.find((command) => command.payload.surveyId === campaign.get('press1')!.surveyId)!;
      expect(first.payload).toMatchObject({ destination: campaign.get('press1')!.phone, callerId: '12345', subject: '小区供暖不热' });
      expect(first.payload.options.map((option) => option.digit)).toEqual(['1', '2', '3', '4', '5']);
      // The Mandarin prompts were synthesised (espeak-ng cmn + sox) into Asterisk's sounds: one naming each
      // order's subject, one reading the options ("非常满意请按一,…").
      const spoken = async (text: string) => fs.stat(path.join(h.asterisk.soundsDir, 'tts', `${TtsPromptService.hashOf(text)}.wav`));
      expect(SurveyCallPrompts.intro('12345', '小区供暖不热')).toContain('「小区供暖不热」');
      for (const { payload } of issued) expect((await spoken(SurveyCallPrompts.intro(payload.callerId, payload.subject))).size).toBeGreaterThan(1_000);
      expect((await spoken(SurveyCallPrompts.options(first.payload.options))).size).toBeGreaterThan(1_000);
    });

    it('never has more than two survey channels up at once in Asterisk, and does use both', () => {
      expect(peakChannels).toBeLessThanOrEqual(MAX_CONCURRENT);
      expect(peakChannels).toBe(MAX_CONCURRENT);
    });

    it('writes exactly one result per command', async () => {
      const all = await results();
      const issued = await commands();
      expect(all.map((result) => result.commandId).sort()).toEqual(issued.map((command) => command.id).sort());
    });

    it.each(['1', '2', '3', '4', '5'])('citizen answers and presses %s: the rating lands on the order at that level', async (digit) => {
      const { order, surveyId } = campaign.get(`press${digit}`)!;
      const [command] = (await commands()).filter((c) => c.payload.surveyId === surveyId);
      const level = command!.payload.options.find((option) => option.digit === digit)!.level;
      expect(await resultsFor(surveyId)).toMatchObject([{ outcome: 'rated', digit }]);
      await waitFor(async () => (await rating(order.id)).length === 1, 10_000, 'the rating on the order');
      expect(await rating(order.id)).toEqual([{ handling_level: level, survey_channel: 'voice_callback' }]);
      expect((await attemptsOf(surveyId))[0]).toMatchObject({ attempt_no: 1, status: 'answered' });
    });

    it('citizen presses an invalid key, hears the options again and presses a valid one: rated', async () => {
      const { order, surveyId } = campaign.get('invalid')!;
      expect(await resultsFor(surveyId)).toMatchObject([{ outcome: 'rated', digit: '3' }]);
      const [command] = (await commands()).filter((c) => c.payload.surveyId === surveyId);
      await waitFor(async () => (await rating(order.id)).length === 1, 10_000, 'the rating on the order');
      expect((await rating(order.id))[0]!.handling_level).toBe(command!.payload.options.find((option) => option.digit === '3')!.level);
    });

    // What the survey side already retries on: the attempt closes (hung_up counts as no answer there) and no rating.
    it.each([
      ['is busy (486)', 'busy', 'busy', 'busy'],
      ['does not answer (rings out)', 'noanswer', 'no_answer', 'no_answer'],
      ['hangs up mid-prompt', 'hangupmid', 'hung_up', 'no_answer'],
    ])('citizen %s (%s): result %s, attempt %s, not rated', async (_what, key, outcome, attemptStatus) => {
      const { order, surveyId } = campaign.get(key)!;
      expect(await resultsFor(surveyId)).toMatchObject([{ outcome, digit: null }]);
      await waitFor(async () => (await attemptsOf(surveyId))[0]?.status === attemptStatus, 10_000, `the attempt marked ${attemptStatus}`);
      expect(await rating(order.id)).toEqual([]);
    });

    it('citizen presses nothing through every prompt: result no_input, not rated', async () => {
      const { order, surveyId } = campaign.get('silent')!;
      expect(await resultsFor(surveyId)).toMatchObject([{ outcome: 'no_input', digit: null }]);
      expect(await rating(order.id)).toEqual([]);
      const lines = await citizens.logLines();
      // The app said goodbye and hung up itself (the citizen never does in this branch).
      expect(lines).toContain(`bye-received ${campaign.get('silent')!.phone}`);
    });

    it('the attempt after a busy one is a new command, dialled again with its own result (retries are the survey side\'s)', async () => {
      const { surveyId } = campaign.get('busy')!;
      // The retry reaches the same number: the SIPp citizen is still busy, so this proves a second command, a second result.
      expect(await attempts.handle({ surveyId, attemptNo: 2 })).toBe('voice_sent');
      await waitFor(async () => (await resultsFor(surveyId)).length === 2, 60_000, 'the retry result');
      const [first, second] = await resultsFor(surveyId);
      expect(second!.commandId).not.toBe(first!.commandId);
      expect(second!.attemptId).not.toBe(first!.attemptId);
    }, 90_000);
  });

  describe('inbound callers come first', () => {
    it('holds survey calls while an inbound caller waits in the ACD, and places them once nobody waits', async () => {
      // Callers to 12345 go straight to the general queue; no agent is logged in, so they wait.
      await h.db.query(`INSERT INTO ivr_flows (name) VALUES ('direct')`);
      await h.db.query(`INSERT INTO ivr_flow_versions (flow_name, version, document, created_by) VALUES ('direct', 1, $1, 'test')`, [
        JSON.stringify({ start: 'queue', nodes: { queue: { type: 'queue' } } }),
      ]);
      await h.db.query(`UPDATE ivr_flows SET published_version = 1 WHERE name = 'direct'`);
      await h.db.query(`UPDATE hotline_lines SET flow_name = 'direct' WHERE number = '12345'`);
      await h.db.query(`UPDATE acd_skills SET announce_every_seconds = 600, max_wait_seconds = 3600`);
      for (const what of ['ivr-flows', 'lines', 'queues'] as const) expect(await h.commands.send('config.reload', { what, requestedBy: 'test' })).toMatchObject({ ok: true });

      const [sipPort, rtpPort] = (await findFreePorts(2)) as [number, number];
      const caller = runSipp({
        scenarioFile: SIPP_SCENARIOS.citizenTalk,
        variables: { PRE_DTMF_MS: 500, DTMF_SEQUENCE: '', POST_DTMF_MS: 15_000 },
        service: '12345',
        remoteHost: '127.0.0.1',
        remotePort: h.asterisk.sipPort,
        localPort: sipPort,
        keys: { caller: '13700000001', rtp_port: rtpPort },
        timeoutMs: 60_000,
      });
      const queued = async () =>
        (await h.db.query(`SELECT 1 FROM call_events e JOIN calls c ON c.id = e.call_id WHERE c.caller_number = '13700000001' AND e.type = 'call.queued'`)).rowCount === 1;
      await waitFor(queued, 20_000, 'the inbound caller queued');

      const survey = await closedWithSurvey('1390011', '井盖松动');
      expect(await attempts.handle({ surveyId: survey.surveyId, attemptNo: 1 })).toBe('voice_sent');
      // The command waits in the stream while the caller waits in the queue.
      const heldUntil = Date.now() + 6_000;
      while (Date.now() < heldUntil) {
        expect(await surveyChannelsUp()).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(await resultsFor(survey.surveyId)).toEqual([]);

      const talked = await caller; // the caller gives up after 15 s: nobody waits any more
      expect(talked.exitCode).toBe(0);
      await waitFor(async () => (await resultsFor(survey.surveyId)).length === 1, 60_000, 'the survey call after the queue emptied');
      expect(await resultsFor(survey.surveyId)).toMatchObject([{ outcome: 'rated', digit: '1' }]);
    }, 120_000);
  });

  describe('the command stream is untrusted input', () => {
    it('drops malformed entries and a redelivered command (same id): one call, one result, nothing left pending', async () => {
      const stream = callControlCommandStream(h.config.REDIS_PREFIX);
      await h.redis.xadd(stream, '*', COMMAND_STREAM_FIELD, 'not json');
      await h.redis.xadd(stream, '*', COMMAND_STREAM_FIELD, JSON.stringify({ id: 'x', type: 'survey.call', version: 99 }));
      const survey = await closedWithSurvey('1390014', '树木遮挡路灯');
      expect(await attempts.handle({ surveyId: survey.surveyId, attemptNo: 1 })).toBe('voice_sent');
      const [command] = (await commands()).filter((c) => c.payload.surveyId === survey.surveyId);
      await h.redis.xadd(stream, '*', COMMAND_STREAM_FIELD, JSON.stringify(command));
      await waitFor(async () => (await resultsFor(survey.surveyId)).length === 1, 60_000, 'the survey call result');
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(await resultsFor(survey.surveyId)).toMatchObject([{ commandId: command!.id, outcome: 'rated', digit: '4' }]);
      expect((await citizens.logLines()).filter((line) => line === `press4 ${survey.phone}`)).toHaveLength(1);
      const [pending] = (await h.redis.xpending(stream, 'call-control')) as [number];
      expect(pending).toBe(0);
    }, 90_000);
  });

  describe('restarts of call-control', () => {
    it('a command issued while call-control is down (killed) waits in the stream and is called after the restart', async () => {
      const survey = await closedWithSurvey('1390012', '窨井盖缺失');
      await callControl!.kill();
      expect(await attempts.handle({ surveyId: survey.surveyId, attemptNo: 1 })).toBe('voice_sent');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await resultsFor(survey.surveyId)).toEqual([]);
      callControl = await startCallControlChild(h.config, 'call-control#2');
      await waitFor(async () => (await resultsFor(survey.surveyId)).length === 1, 60_000, 'the survey call after the restart');
      expect(await resultsFor(survey.surveyId)).toMatchObject([{ outcome: 'rated', digit: '2' }]);
    }, 120_000);

    it('a call under way when call-control is killed is settled after the restart: hung up, one result (failed), no redial', async () => {
      const survey = await closedWithSurvey('13900600', '楼道堆物');
      expect(await attempts.handle({ surveyId: survey.surveyId, attemptNo: 1 })).toBe('voice_sent');
      await waitFor(async () => (await surveyChannelsUp()) === 1, 30_000, 'the survey call up');
      // SIGKILL: no shutdown hook runs; the command stays pending in the consumer group.
      await callControl!.kill();
      callControl = await startCallControlChild(h.config, 'call-control#3');
      await waitFor(async () => (await resultsFor(survey.surveyId)).length === 1, 30_000, 'the settled result');
      expect(await resultsFor(survey.surveyId)).toMatchObject([{ outcome: 'failed' }]);
      await waitFor(async () => (await surveyChannelsUp()) === 0, 10_000, 'the orphaned channel hung up');
      await waitFor(async () => (await attemptsOf(survey.surveyId))[0]?.status === 'failed', 10_000, 'the attempt failed');
      // Not dialled again on its own: retries are the survey side's.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await resultsFor(survey.surveyId)).toHaveLength(1);
      expect(await surveyChannelsUp()).toBe(0);
    }, 90_000);
  });
});
