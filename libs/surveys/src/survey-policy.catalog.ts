import { Inject, Injectable } from '@nestjs/common';
import { SurveyPolicy } from './survey-policy';

/** The policies in force (SURVEY_POLICIES data by default); a token so a deployment or a test can supply its own. */
export const SURVEY_POLICY_DATA = Symbol('SURVEY_POLICY_DATA');

/** The survey policies by SLA preset code. */
@Injectable()
export class SurveyPolicyCatalog {
  private readonly byPreset: ReadonlyMap<string, SurveyPolicy>;

  constructor(@Inject(SURVEY_POLICY_DATA) policies: readonly SurveyPolicy[]) {
    this.byPreset = new Map(policies.map((policy) => [policy.presetCode, policy]));
  }

  forPreset(presetCode: string): SurveyPolicy | null {
    return this.byPreset.get(presetCode) ?? null;
  }
}
