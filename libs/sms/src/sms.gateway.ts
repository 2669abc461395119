import { DeliveryReceipt } from './delivery-receipt.parser';

/** A citizen's SMS to the hotline (MO), or a delivery receipt for one we sent. */
export type InboundSms =
  | { kind: 'mo'; from: string; to: string; text: string }
  | { kind: 'receipt'; from: string; receipt: DeliveryReceipt };

export interface SubmittedSms {
  /** The SMSC's id of each part, in order; receipts name these. */
  messageIds: string[];
}

/**
 * The SMS centre as the survey context sees it. The handler given to `onInbound` must have stored what it
 * needed before it resolves: the SMSC is acknowledged only then, and redelivers if the handler fails.
 */
export abstract class SmsGateway {
  abstract start(): Promise<void>;
  abstract submit(to: string, text: string): Promise<SubmittedSms>;
  abstract onInbound(handler: (sms: InboundSms) => Promise<void>): void;
}

/** The SMSC could not be reached or bound in time: retry later. */
export class SmsUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = SmsUnavailableError.name;
  }
}

/** The SMSC answered a submit with an error status. */
export class SmsRejectedError extends Error {
  constructor(readonly commandStatus: number, message: string) {
    super(message);
    this.name = SmsRejectedError.name;
  }
}
