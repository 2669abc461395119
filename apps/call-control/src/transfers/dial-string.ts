import { TransferNumberNotDialableError } from './transfer.errors';

/** Digits only: `&`, `,`, `)`, `/`, letters or non-ASCII digits would be dial-string syntax or a different number. */
export const DIALABLE_NUMBER = /^[0-9]{3,15}$/;

/**
 * The carrier endpoint for a number (OUTBOUND_ENDPOINT_TEMPLATE, e.g. PJSIP/carrier/sip:{number}@gw).
 * Checked here, at the last step before Asterisk, whatever the caller checked before.
 */
export function outboundEndpoint(template: string, number: string): string {
  if (!DIALABLE_NUMBER.test(number)) throw new TransferNumberNotDialableError();
  return template.replace('{number}', number);
}
