import { SLA_PRESETS } from '@hotline/sla';
import { SURVEY_POLICIES } from './survey-policies.data';
import { expandChannelPlan, SurveyChannelKind, waitAfterAttempt } from './survey-policy';
import { SurveyPolicyCatalog } from './survey-policy.catalog';

describe('survey policies (data)', () => {
  const catalog = new SurveyPolicyCatalog(SURVEY_POLICIES);

  it('has a policy for every SLA preset, so no deployment silently surveys nobody', () => {
    for (const preset of SLA_PRESETS) expect(catalog.forPreset(preset.code)).not.toBeNull();
  });

  it('asks Bortala by voice twice then SMS, and Ningxia by SMS only', () => {
    expect(expandChannelPlan(catalog.forPreset('bortala-2020')!)).toEqual([SurveyChannelKind.Voice, SurveyChannelKind.Voice, SurveyChannelKind.Sms]);
    expect(expandChannelPlan(catalog.forPreset('ningxia-2025')!).every((channel) => channel === SurveyChannelKind.Sms)).toBe(true);
  });

  it('never calls or texts at night or at lunch, and only on working days', () => {
    for (const policy of SURVEY_POLICIES) {
      expect(policy.workingDaysOnly).toBe(true);
      for (const window of policy.windows) {
        expect(window.from >= '08:00').toBe(true);
        expect(window.to <= '20:00').toBe(true);
      }
    }
  });

  it('waits per channel between attempts', () => {
    const bortala = catalog.forPreset('bortala-2020')!;
    const plan = expandChannelPlan(bortala);
    expect(waitAfterAttempt(bortala, plan, 1)).toBe(120);
    expect(waitAfterAttempt(bortala, plan, 3)).toBe(48 * 60);
  });
});
