/** A skill's queue settings (acd_skills): written by the api's admin, read by call-control's ACD. */
export interface QueueSettings {
  skill: string;
  name: string;
  ringTimeoutSeconds: number;
  wrapUpSeconds: number;
  announceEverySeconds: number;
  maxWaitSeconds: number;
  overflowSkill: string | null;
  callbackOffer: boolean;
  serviceLevelSeconds: number;
  minLevel: number;
}
