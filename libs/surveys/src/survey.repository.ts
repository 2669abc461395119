import { Injectable } from '@nestjs/common';
import { Sql } from '@hotline/work-orders';
import { AttemptStatus, FollowUpCauseKind, FollowUpTask, Survey, SurveyAttempt, SurveyStatus } from './survey.types';

const SURVEY_COLUMNS = `s.id, s.order_id AS "orderId", s.round, s.preset_code AS "presetCode", s.phone, s.status, s.skip_reason AS "skipReason",
  s.rating_levels AS "ratingLevels", s.channel_plan AS "channelPlan", s.attempt_count AS "attemptCount",
  s.first_attempt_at AS "firstAttemptAt", s.rated_level AS "ratedLevel", s.rated_channel AS "ratedChannel",
  s.created_at AS "createdAt", s.finished_at AS "finishedAt"`;

/** The order fields an attempt needs to ask about it. */
export interface SurveyOrderInfo {
  number: string;
  subject: string;
  status: string;
  version: number;
}

/** A follow-up with its order and the rating that raised it (one row each: ratings are unique per order and round). */
const FOLLOW_UP_COLUMNS = `f.id, f.order_id AS "orderId", o.number AS "orderNumber", o.subject, f.round, f.rating_level AS "ratingLevel",
              r.survey_channel AS "surveyChannel", r.comment, r.rated_at AS "ratedAt", f.status,
              f.cause, f.notes, f.created_at AS "createdAt", f.classified_at AS "classifiedAt"`;

/** Surveys, attempts, SMS, opt-outs and follow-ups in Postgres; every method runs on the caller's statement runner. */
@Injectable()
export class SurveyRepository {
  async insertSurvey(
    tx: Sql,
    survey: Omit<Survey, 'id' | 'attemptCount' | 'ratedLevel' | 'ratedChannel'>,
  ): Promise<string | null> {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO surveys (order_id, round, preset_code, phone, status, skip_reason, rating_levels, channel_plan, first_attempt_at, created_at, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (order_id, round) DO NOTHING RETURNING id`,
      [
        survey.orderId,
        survey.round,
        survey.presetCode,
        survey.phone,
        survey.status,
        survey.skipReason,
        survey.ratingLevels,
        survey.channelPlan,
        survey.firstAttemptAt,
        survey.createdAt,
        survey.finishedAt,
      ],
    );
    return rows[0]?.id ?? null;
  }

  async lockSurvey(tx: Sql, id: string): Promise<Survey | null> {
    const { rows } = await tx.query<Survey>(`SELECT ${SURVEY_COLUMNS} FROM surveys s WHERE s.id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  async findSurvey(tx: Sql, id: string): Promise<Survey | null> {
    const { rows } = await tx.query<Survey>(`SELECT ${SURVEY_COLUMNS} FROM surveys s WHERE s.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async surveyForRound(tx: Sql, orderId: string, round: number): Promise<Survey | null> {
    const { rows } = await tx.query<Survey>(`SELECT ${SURVEY_COLUMNS} FROM surveys s WHERE s.order_id = $1 AND s.round = $2`, [orderId, round]);
    return rows[0] ?? null;
  }

  async surveysOfOrder(tx: Sql, orderId: string): Promise<Survey[]> {
    const { rows } = await tx.query<Survey>(`SELECT ${SURVEY_COLUMNS} FROM surveys s WHERE s.order_id = $1 ORDER BY s.round`, [orderId]);
    return rows;
  }

  /** The open survey that asked this number by SMS most recently: where its reply belongs. */
  async openSmsSurveyForPhone(tx: Sql, phone: string): Promise<Survey | null> {
    const { rows } = await tx.query<Survey>(
      `SELECT ${SURVEY_COLUMNS} FROM surveys s
       WHERE s.phone = $1 AND s.status IN ('scheduled', 'in_progress')
         AND EXISTS (SELECT 1 FROM survey_attempts a WHERE a.survey_id = s.id AND a.channel = 'sms' AND a.status IN ('sent', 'unknown'))
       ORDER BY s.created_at DESC LIMIT 1`,
      [phone],
    );
    return rows[0] ?? null;
  }

  async orderInfo(tx: Sql, orderId: string): Promise<SurveyOrderInfo> {
    const { rows } = await tx.query<SurveyOrderInfo>(`SELECT number, subject, status, version FROM work_orders WHERE id = $1`, [orderId]);
    if (!rows[0]) throw new Error(`work order ${orderId} vanished`);
    return rows[0];
  }

  async setSurveyStatus(tx: Sql, id: string, status: SurveyStatus, at: Date | null, extra: { ratedLevel?: string; ratedChannel?: string; skipReason?: string } = {}): Promise<void> {
    await tx.query(
      `UPDATE surveys SET status = $2, finished_at = $3, rated_level = coalesce($4, rated_level), rated_channel = coalesce($5, rated_channel),
              skip_reason = coalesce($6, skip_reason)
       WHERE id = $1`,
      [id, status, at, extra.ratedLevel ?? null, extra.ratedChannel ?? null, extra.skipReason ?? null],
    );
  }

  async attempt(tx: Sql, surveyId: string, attemptNo: number): Promise<SurveyAttempt | null> {
    const { rows } = await tx.query<SurveyAttempt>(
      `SELECT id, survey_id AS "surveyId", attempt_no AS "attemptNo", channel, status, destination, started_at AS "startedAt"
       FROM survey_attempts WHERE survey_id = $1 AND attempt_no = $2`,
      [surveyId, attemptNo],
    );
    return rows[0] ?? null;
  }

  async attemptById(tx: Sql, id: string): Promise<SurveyAttempt | null> {
    const { rows } = await tx.query<SurveyAttempt>(
      `SELECT id, survey_id AS "surveyId", attempt_no AS "attemptNo", channel, status, destination, started_at AS "startedAt"
       FROM survey_attempts WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ?? null;
  }

  async insertAttempt(tx: Sql, attempt: Omit<SurveyAttempt, 'id'>): Promise<string> {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO survey_attempts (survey_id, attempt_no, channel, status, destination, started_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [attempt.surveyId, attempt.attemptNo, attempt.channel, attempt.status, attempt.destination, attempt.startedAt],
    );
    await tx.query(`UPDATE surveys SET status = 'in_progress', attempt_count = greatest(attempt_count, $2) WHERE id = $1`, [attempt.surveyId, attempt.attemptNo]);
    return rows[0].id;
  }

  async setAttemptStatus(tx: Sql, id: string, status: AttemptStatus, at: Date | null, error: string | null = null): Promise<void> {
    await tx.query(`UPDATE survey_attempts SET status = $2, finished_at = coalesce($3, finished_at), error = coalesce($4, error) WHERE id = $1`, [id, status, at, error]);
  }

  /** Voice attempts still waiting for call-control's result. */
  async markStaleDialing(tx: Sql, surveyId: string, before: number, at: Date): Promise<void> {
    await tx.query(
      `UPDATE survey_attempts SET status = 'unknown', finished_at = $3, error = 'no result from call-control'
       WHERE survey_id = $1 AND attempt_no < $2 AND status = 'dialing'`,
      [surveyId, before, at],
    );
  }

  /** Voice calls awaiting a result, and calls started within the last `rateWindowMs`. */
  async voiceLoad(tx: Sql, now: Date, staleAfterMs: number, rateWindowMs: number): Promise<{ dialing: number; recent: number }> {
    const { rows } = await tx.query<{ dialing: string; recent: string }>(
      `SELECT count(*) FILTER (WHERE status = 'dialing' AND started_at > $1) AS dialing,
              count(*) FILTER (WHERE started_at > $2) AS recent
       FROM survey_attempts WHERE channel = 'voice' AND started_at > least($1, $2)`,
      [new Date(now.getTime() - staleAfterMs), new Date(now.getTime() - rateWindowMs)],
    );
    return { dialing: Number(rows[0].dialing), recent: Number(rows[0].recent) };
  }

  async insertSmsParts(tx: Sql, attemptId: string, messageIds: string[], at: Date): Promise<void> {
    for (const [index, messageId] of messageIds.entries()) {
      await tx.query(
        `INSERT INTO sms_messages (attempt_id, part, parts, smsc_message_id, submitted_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [attemptId, index + 1, messageIds.length, messageId, at],
      );
    }
  }

  /** Records a receipt; returns the attempt it belongs to, or null for an id we never sent. */
  async recordReceipt(tx: Sql, messageId: string, status: string, error: string | null, at: Date): Promise<{ attemptId: string; surveyId: string; attemptNo: number } | null> {
    const { rows } = await tx.query<{ attemptId: string; surveyId: string; attemptNo: number }>(
      `UPDATE sms_messages m SET receipt_status = $2, receipt_error = $3, receipt_at = $4
       FROM survey_attempts a WHERE m.smsc_message_id = $1 AND a.id = m.attempt_id
       RETURNING a.id AS "attemptId", a.survey_id AS "surveyId", a.attempt_no AS "attemptNo"`,
      [messageId, status, error, at],
    );
    return rows[0] ?? null;
  }

  async recordInbound(tx: Sql, sms: { source: string; destination: string; text: string; at: Date; surveyId: string | null; outcome: string }): Promise<void> {
    await tx.query(`INSERT INTO sms_inbound (source, destination, text, received_at, survey_id, outcome) VALUES ($1, $2, $3, $4, $5, $6)`, [
      sms.source,
      sms.destination,
      sms.text,
      sms.at,
      sms.surveyId,
      sms.outcome,
    ]);
  }

  async isOptedOut(tx: Sql, phone: string): Promise<boolean> {
    const { rows } = await tx.query(`SELECT 1 FROM survey_opt_outs WHERE phone = $1`, [phone]);
    return rows.length > 0;
  }

  async optOut(tx: Sql, phone: string, at: Date, source: string): Promise<void> {
    await tx.query(`INSERT INTO survey_opt_outs (phone, opted_out_at, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [phone, at, source]);
  }

  async insertFollowUp(tx: Sql, followUp: { orderId: string; round: number; ratingLevel: string; at: Date }): Promise<void> {
    await tx.query(
      `INSERT INTO survey_follow_ups (order_id, round, rating_level, status, created_at) VALUES ($1, $2, $3, 'open', $4) ON CONFLICT (order_id, round) DO NOTHING`,
      [followUp.orderId, followUp.round, followUp.ratingLevel, followUp.at],
    );
  }

  async classifyFollowUp(tx: Sql, orderId: string, round: number, cause: FollowUpCauseKind, notes: string, by: string | null, at: Date): Promise<void> {
    await tx.query(
      `UPDATE survey_follow_ups SET status = 'classified', cause = $3, notes = $4, classified_by = $5, classified_at = $6
       WHERE order_id = $1 AND round = $2 AND status = 'open'`,
      [orderId, round, cause, notes, by, at],
    );
  }

  async followUps(tx: Sql, status: 'open' | 'classified' | null): Promise<FollowUpTask[]> {
    const { rows } = await tx.query<FollowUpTask>(
      `SELECT ${FOLLOW_UP_COLUMNS}
       FROM survey_follow_ups f JOIN work_orders o ON o.id = f.order_id
       LEFT JOIN work_order_ratings r ON r.order_id = f.order_id AND r.round = f.round
       WHERE ($1::text IS NULL OR f.status = $1) ORDER BY f.created_at, f.id LIMIT 500`,
      [status],
    );
    return rows;
  }

  async followUp(tx: Sql, id: string): Promise<FollowUpTask | null> {
    const { rows } = await tx.query<FollowUpTask>(
      `SELECT ${FOLLOW_UP_COLUMNS}
       FROM survey_follow_ups f JOIN work_orders o ON o.id = f.order_id
       LEFT JOIN work_order_ratings r ON r.order_id = f.order_id AND r.round = f.round WHERE f.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }
}
