export type AmiAction = Record<string, string>;
export type AmiResponse = Record<string, string>;

/** What call logic needs from AMI (recording control and the like); browsers never reach it. */
export interface AmiGateway {
  isConnected(): boolean;
  /** Called after every (re)login: state Asterisk keeps per run (AstDB lines, reloaded seats) is re-applied then. */
  onConnected(handler: () => void): void;
  action(action: AmiAction): Promise<AmiResponse>;
}

export const AMI_GATEWAY = Symbol('AMI_GATEWAY');
