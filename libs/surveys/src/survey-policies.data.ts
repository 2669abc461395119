import { SurveyChannelKind as C, SurveyPolicy } from './survey-policy';

/** 上午 and 下午 office hours: citizens are never called or texted at lunch or at night. */
const OFFICE_HOURS = [
  { from: '09:00', to: '12:00' },
  { from: '14:30', to: '18:00' },
];

/** Two calls two hours apart, then one SMS that waits two days for a reply. */
const VOICE_TWICE_THEN_SMS = [
  { channel: C.Voice, attempts: 2, waitMinutes: 120 },
  { channel: C.Sms, attempts: 1, waitMinutes: 48 * 60 },
];

/**
 * Per SLA preset. Bortala (第十四条) lists manual, automated voice, SMS and online: voice first (a spoken
 * prompt reaches older callers), SMS after two unanswered calls. Ningxia requires 100% 回访 at volume:
 * SMS only, so survey traffic never competes with inbound callers for trunks; its manual follow-ups stay
 * with quality staff. Guizhou and the city rules set no method: voice then SMS.
 */
export const SURVEY_POLICIES: readonly SurveyPolicy[] = [
  {
    presetCode: 'bortala-2020',
    delayAfterCloseMinutes: 120,
    windows: OFFICE_HOURS,
    workingDaysOnly: true,
    channels: VOICE_TWICE_THEN_SMS,
  },
  {
    presetCode: 'ningxia-2025',
    delayAfterCloseMinutes: 60,
    windows: OFFICE_HOURS,
    workingDaysOnly: true,
    channels: [{ channel: C.Sms, attempts: 2, waitMinutes: 24 * 60 }],
  },
  {
    presetCode: 'guizhou-2024',
    delayAfterCloseMinutes: 120,
    windows: OFFICE_HOURS,
    workingDaysOnly: true,
    channels: VOICE_TWICE_THEN_SMS,
  },
  {
    presetCode: 'city-rules',
    delayAfterCloseMinutes: 120,
    windows: OFFICE_HOURS,
    workingDaysOnly: true,
    channels: VOICE_TWICE_THEN_SMS,
  },
];
