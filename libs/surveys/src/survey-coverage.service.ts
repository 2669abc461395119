import { Injectable } from '@nestjs/common';
import { RatingLevel, SlaPresetCatalog, startOfShanghaiDay, addCivilDays, isCivilDate } from '@hotline/sla';
import { TransactionRunner } from '@hotline/work-orders';
import { InvalidSurveyInputError, SurveyErrorCode } from './survey.errors';

export interface NotSurveyedOrder {
  orderId: string;
  number: string;
  round: number;
  closedAt: string;
  /** no_contact, opted_out, no_phone, no_policy, sms_disabled (SMS-only plan, SMS off), pending (first attempt still ahead), missing_survey. */
  reason: string;
  firstAttemptAt: string | null;
}

export interface NotRatedOrder {
  orderId: string;
  number: string;
  round: number;
  /** in_progress, exhausted (every attempt made, no answer: for a manual call), skipped, superseded. */
  surveyStatus: string;
  channelsTried: string[];
}

export interface SurveyCoverageReport {
  period: { from: string; to: string };
  /** Rating rounds that reached the rating step in the period (a reopened order closes twice). */
  closed: number;
  surveyed: number;
  rated: number;
  surveyedByChannel: Record<string, number>;
  ratedByChannel: Record<string, number>;
  /** Share of rated rounds not on the preset's dissatisfied levels; null when nothing was rated. */
  satisfactionRate: number | null;
  /** Share of orders closed in the period that were reopened (重办) after a follow-up. */
  reopenRate: number | null;
  notSurveyed: NotSurveyedOrder[];
  notRated: NotRatedOrder[];
}

interface Row {
  order_id: string;
  number: string;
  preset_code: string;
  preset_version: number;
  round: number;
  closed_at: Date;
  survey_status: string | null;
  skip_reason: string | null;
  first_attempt_at: Date | null;
  channels_tried: string[] | null;
  handling_level: RatingLevel | null;
  survey_channel: string | null;
  reopened: boolean;
}

const VOICE_OR_SMS: Record<string, string> = { voice: 'voice_callback', sms: 'sms' };

/**
 * 100% 回访 made visible: every time an order reached the rating step in the period (from the immutable
 * event log, not from the survey tables, so an order the survey side never heard of still shows up as
 * `missing_survey`), whether it was surveyed, by which channel, and whether and how it was rated.
 */
@Injectable()
export class SurveyCoverageService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly presets: SlaPresetCatalog,
  ) {}

  async report(from: string, to: string): Promise<SurveyCoverageReport> {
    if (!isCivilDate(from) || !isCivilDate(to) || from > to) {
      throw new InvalidSurveyInputError(SurveyErrorCode.InvalidPeriod, 'from and to are dates (YYYY-MM-DD), from not after to', { from, to });
    }
    const { rows } = await this.transactions.sql().query<Row>(
      `WITH closings AS (
         SELECT e.order_id, e.occurred_at, e.sequence,
                1 + (SELECT count(*) FROM work_order_events r WHERE r.order_id = e.order_id AND r.type = 'reopen' AND r.sequence < e.sequence)::int AS round
         FROM work_order_events e
         WHERE e.type IN ('review', 'intake') AND e.after->>'status' = 'closed' AND e.occurred_at >= $1 AND e.occurred_at < $2
       )
       SELECT c.order_id, o.number, o.preset_code, o.preset_version, c.round, c.occurred_at AS closed_at,
              s.status AS survey_status, s.skip_reason, s.first_attempt_at,
              (SELECT array_agg(DISTINCT a.channel) FROM survey_attempts a WHERE a.survey_id = s.id AND a.status NOT IN ('sending', 'retrying')) AS channels_tried,
              rt.handling_level, rt.survey_channel,
              EXISTS (SELECT 1 FROM work_order_events r WHERE r.order_id = c.order_id AND r.type = 'reopen' AND r.sequence > c.sequence) AS reopened
       FROM closings c
       JOIN work_orders o ON o.id = c.order_id
       LEFT JOIN surveys s ON s.order_id = c.order_id AND s.round = c.round
       LEFT JOIN work_order_ratings rt ON rt.order_id = c.order_id AND rt.round = c.round
       ORDER BY c.occurred_at, o.number`,
      [startOfShanghaiDay(from), startOfShanghaiDay(addCivilDays(to, 1))],
    );

    const surveyedByChannel: Record<string, number> = {};
    const ratedByChannel: Record<string, number> = {};
    const notSurveyed: NotSurveyedOrder[] = [];
    const notRated: NotRatedOrder[] = [];
    let surveyed = 0;
    let rated = 0;
    let satisfied = 0;
    for (const row of rows) {
      const channels = (row.channels_tried ?? []).map((channel) => VOICE_OR_SMS[channel] ?? channel);
      if (row.survey_channel && !channels.includes(row.survey_channel)) channels.push(row.survey_channel);
      if (channels.length > 0) {
        surveyed += 1;
        for (const channel of channels) surveyedByChannel[channel] = (surveyedByChannel[channel] ?? 0) + 1;
      } else {
        notSurveyed.push({
          orderId: row.order_id,
          number: row.number,
          round: row.round,
          closedAt: row.closed_at.toISOString(),
          reason: row.skip_reason ?? (row.survey_status === null ? 'missing_survey' : 'pending'),
          firstAttemptAt: row.first_attempt_at?.toISOString() ?? null,
        });
      }
      if (row.handling_level) {
        rated += 1;
        ratedByChannel[row.survey_channel!] = (ratedByChannel[row.survey_channel!] ?? 0) + 1;
        const preset = await this.presets.version(row.preset_code, row.preset_version);
        if (!preset.rules.rating.dissatisfied.includes(row.handling_level)) satisfied += 1;
      } else if (channels.length > 0) {
        notRated.push({ orderId: row.order_id, number: row.number, round: row.round, surveyStatus: row.survey_status ?? 'none', channelsTried: channels });
      }
    }
    const orders = new Map<string, boolean>();
    for (const row of rows) orders.set(row.order_id, (orders.get(row.order_id) ?? false) || row.reopened);
    const reopened = [...orders.values()].filter(Boolean).length;
    return {
      period: { from, to },
      closed: rows.length,
      surveyed,
      rated,
      surveyedByChannel,
      ratedByChannel,
      satisfactionRate: rated > 0 ? satisfied / rated : null,
      reopenRate: orders.size > 0 ? reopened / orders.size : null,
      notSurveyed,
      notRated,
    };
  }
}
