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
  /** False when this deployment has no SMS channel (SMS_ENABLED off): nothing may be submitted. */
  abstract readonly enabled: boolean;
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

/** SMS is switched off in this deployment (SMS_ENABLED off, or no SMPP_URL): callers must check `enabled`. */
export class SmsDisabledError extends Error {
  constructor() {
    super('The SMS channel is disabled (SMS_ENABLED is off or SMPP_URL is not set)');
    this.name = SmsDisabledError.name;
  }
}
