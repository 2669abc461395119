/**
 * Q.850 cause names as Asterisk prints them (ast_cause2str). ARI sends the text only with ChannelDestroyed,
 * which does not reach the app once the channel has left Stasis; StasisEnd comes with the number alone.
 */
const CAUSE_TEXT: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  3: 'No route to destination',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  27: 'Destination out of order',
  28: 'Invalid number format',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  41: 'Temporary failure',
  42: 'Switching equipment congestion',
  127: 'Interworking, unspecified',
};

export const NORMAL_CLEARING = 16;

export function hangupCauseText(cause: number): string {
  return CAUSE_TEXT[cause] ?? `Cause ${cause}`;
}
