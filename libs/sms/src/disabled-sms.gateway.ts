import { Logger } from '@nestjs/common';
import { InboundSms, SmsDisabledError, SmsGateway, SubmittedSms } from './sms.gateway';

/**
 * The SMS channel of a deployment without an SMSC (SMS_ENABLED off, or no SMPP_URL): says so once when the
 * survey worker starts, instead of an SMPP client retrying a connection that can never succeed. The survey
 * side checks `enabled` and records SMS attempts as not made (reason sms_disabled), so nothing is dropped.
 */
export class DisabledSmsGateway extends SmsGateway {
  readonly enabled = false;
  private readonly logger = new Logger(DisabledSmsGateway.name);
  private reported = false;

  async start(): Promise<void> {
    if (this.reported) return;
    this.reported = true;
    this.logger.warn(
      'SMS channel disabled (SMS_ENABLED is off or SMPP_URL is not set): no SMS is sent or received; ' +
        'SMS survey attempts are passed over and listed as not surveyed with reason sms_disabled',
    );
  }

  async submit(): Promise<SubmittedSms> {
    throw new SmsDisabledError();
  }

  onInbound(_handler: (sms: InboundSms) => Promise<void>): void {
    // No SMSC, so nothing ever arrives: there is nothing to hand to the handler.
  }
}
