import { Sql, SurveyChannel, TransactionRunner } from '@hotline/work-orders';
import { SmsInboundHandler } from './sms-inbound.handler';
import { SurveyAttemptHandler } from './survey-attempt.handler';
import { SurveyResultService } from './survey-result.service';
import { SurveyRepository } from './survey.repository';
import { Survey, SurveyStatus } from './survey.types';

const NOW = new Date('2026-09-30T02:00:00Z');
const sql = {} as Sql;

/** Fakes for the Postgres adapter and the collaborators: the handler's decisions are what is under test. */
function setup(open: Partial<Survey> | null) {
  const survey = open ? ({ id: 's1', status: SurveyStatus.InProgress, ratingLevels: ['very_satisfied', 'satisfied', 'dissatisfied'], ...open } as Survey) : null;
  const repository = {
    openSmsSurveyForPhone: jest.fn().mockResolvedValue(survey),
    optOut: jest.fn().mockResolvedValue(undefined),
    setSurveyStatus: jest.fn().mockResolvedValue(undefined),
    recordInbound: jest.fn().mockResolvedValue(undefined),
    recordReceipt: jest.fn().mockResolvedValue({ attemptId: 'a1', surveyId: 's1', attemptNo: 1 }),
    lockSurvey: jest.fn().mockResolvedValue(survey),
    setAttemptStatus: jest.fn().mockResolvedValue(undefined),
  };
  const transactions = { run: (work: (tx: Sql) => Promise<unknown>) => work(sql), sql: () => sql } as unknown as TransactionRunner;
  const results = { rate: jest.fn().mockResolvedValue('rated') };
  const attempts = { scheduleNext: jest.fn().mockResolvedValue(undefined) };
  const handler = new SmsInboundHandler(
    transactions,
    repository as unknown as SurveyRepository,
    results as unknown as SurveyResultService,
    attempts as unknown as SurveyAttemptHandler,
    { now: () => NOW },
  );
  return { handler, repository, results, attempts, survey };
}

describe('SmsInboundHandler', () => {
  it('matches a reply by the caller’s number (country code dropped) and rates with its digit', async () => {
    const { handler, repository, results, survey } = setup({});
    await handler.handle({ kind: 'mo', from: '+8613900000001', to: '12345', text: '２' });
    expect(repository.openSmsSurveyForPhone).toHaveBeenCalledWith(sql, '13900000001');
    expect(results.rate).toHaveBeenCalledWith(survey, '2', SurveyChannel.Sms);
    expect(repository.recordInbound).toHaveBeenCalledWith(sql, expect.objectContaining({ surveyId: 's1', outcome: 'rated', text: '２' }));
  });

  it('records an opt-out and closes the open survey as skipped', async () => {
    const { handler, repository, results } = setup({});
    await handler.handle({ kind: 'mo', from: '13900000001', to: '12345', text: 'TD' });
    expect(repository.optOut).toHaveBeenCalledWith(sql, '13900000001', NOW, 'sms_reply');
    expect(repository.setSurveyStatus).toHaveBeenCalledWith(sql, 's1', SurveyStatus.Skipped, NOW, { skipReason: 'opted_out' });
    expect(results.rate).not.toHaveBeenCalled();
  });

  it('keeps replies it cannot use, with why', async () => {
    const unmatched = setup(null);
    await unmatched.handler.handle({ kind: 'mo', from: '13900000002', to: '12345', text: '1' });
    expect(unmatched.repository.recordInbound).toHaveBeenCalledWith(sql, expect.objectContaining({ surveyId: null, outcome: 'no_open_survey' }));
    const chatter = setup({});
    await chatter.handler.handle({ kind: 'mo', from: '13900000001', to: '12345', text: '谢谢' });
    expect(chatter.repository.recordInbound).toHaveBeenCalledWith(sql, expect.objectContaining({ outcome: 'unrecognised' }));
    expect(chatter.results.rate).not.toHaveBeenCalled();
  });

  it('brings the next attempt forward when a receipt says the SMS was not delivered, and does nothing more for DELIVRD', async () => {
    const failed = setup({});
    await failed.handler.handle({ kind: 'receipt', from: '13900000001', receipt: { messageId: 'm1', status: 'UNDELIV', error: '001' } });
    expect(failed.repository.setAttemptStatus).toHaveBeenCalledWith(sql, 'a1', 'failed', NOW, 'receipt UNDELIV');
    expect(failed.attempts.scheduleNext).toHaveBeenCalledWith(sql, failed.survey, 1, NOW, NOW);
    const delivered = setup({});
    await delivered.handler.handle({ kind: 'receipt', from: '13900000001', receipt: { messageId: 'm1', status: 'DELIVRD', error: '000' } });
    expect(delivered.repository.recordReceipt).toHaveBeenCalledWith(sql, 'm1', 'DELIVRD', '000', NOW);
    expect(delivered.attempts.scheduleNext).not.toHaveBeenCalled();
  });
});
