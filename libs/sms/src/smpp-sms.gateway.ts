import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import * as smpp from 'smpp';
import { parseDeliveryReceipt } from './delivery-receipt.parser';
import { encodeSmsText } from './sms-text.encoder';
import { InboundSms, SmsGateway, SmsRejectedError, SmsUnavailableError, SubmittedSms } from './sms.gateway';

const ESM_CLASS_RECEIPT = 0x04;
const ESME_ROK = 0;
const ESME_RSYSERR = 0x08;
const MAX_RECONNECT_MS = 30_000;

/**
 * SMPP 3.4 transceiver to the configured SMSC with the `smpp` package: binds once, keeps the link alive
 * (enquire_link), reconnects with backoff when the SMSC goes away, submits UCS-2 text (concatenated when
 * long) asking for delivery receipts, and hands deliver_sm (MO replies and receipts) to the handler,
 * acknowledging each only after the handler has stored it.
 */
@Injectable()
export class SmppSmsGateway extends SmsGateway implements OnApplicationShutdown {
  readonly enabled = true;
  private readonly logger = new Logger(SmppSmsGateway.name);
  private session: smpp.Session | null = null;
  private bound = false;
  private started = false;
  private stopping = false;
  private reconnectDelayMs = 500;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private waiters: (() => void)[] = [];
  private handler: ((sms: InboundSms) => Promise<void>) | null = null;
  private reference = Math.floor(Math.random() * 256);

  private readonly url: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
    // SmsModule builds this gateway only when SMS is on, and the config refuses SMS_ENABLED without SMPP_URL.
    if (!config.SMPP_URL) throw new Error('SmppSmsGateway needs SMPP_URL (SMS_ENABLED is on without it)');
    this.url = config.SMPP_URL;
  }

  onInbound(handler: (sms: InboundSms) => Promise<void>): void {
    this.handler = handler;
  }

  /** Connects in the background: an SMSC that is down at start must not stop the worker (sends retry). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.connect();
  }

  async submit(to: string, text: string): Promise<SubmittedSms> {
    const session = await this.boundSession();
    this.reference = (this.reference + 1) & 0xff;
    const encoded = encodeSmsText(text, this.reference);
    const messageIds: string[] = [];
    for (const part of encoded.parts) {
      const response = await this.request(session, (callback) =>
        session.submit_sm(
          {
            source_addr: this.config.SMPP_SOURCE_ADDR,
            destination_addr: to,
            registered_delivery: 1,
            data_coding: encoded.dataCoding,
            esm_class: encoded.esmClass,
            short_message: part,
          },
          callback,
        ),
      );
      if (response.command_status !== ESME_ROK) {
        throw new SmsRejectedError(response.command_status, `SMSC refused submit_sm to ${maskNumber(to)}: status 0x${response.command_status.toString(16)}`);
      }
      messageIds.push(String(response.message_id));
    }
    return { messageIds };
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const session = this.session;
    this.session = null;
    if (!session) return;
    await new Promise<void>((resolve) => {
      // Whatever the link's state, shutdown never waits more than a second for the SMSC.
      const timer = setTimeout(() => {
        session.destroy();
        resolve();
      }, 1_000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      if (!this.bound) {
        session.destroy();
        done();
        return;
      }
      session.unbind({}, () => session.close(done));
    });
  }

  private connect(): void {
    if (this.stopping) return;
    const session = smpp.connect({ url: this.url, auto_enquire_link_period: 30_000 });
    this.session = session;
    session.on('connect', () => {
      session.bind_transceiver({ system_id: this.config.SMPP_SYSTEM_ID, password: this.config.SMPP_PASSWORD }, (pdu) => {
        if (pdu.command_status !== ESME_ROK) {
          this.logger.error(`SMSC refused bind_transceiver as ${this.config.SMPP_SYSTEM_ID}: status 0x${pdu.command_status.toString(16)}`);
          session.destroy();
          return;
        }
        this.bound = true;
        this.reconnectDelayMs = 500;
        this.logger.log(`Bound to SMSC ${this.url} as ${this.config.SMPP_SYSTEM_ID}`);
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    session.on('deliver_sm', (pdu: smpp.Pdu) => void this.deliver(session, pdu));
    session.on('enquire_link', (pdu: smpp.Pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu: smpp.Pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('error', (error: Error) => this.logger.warn(`SMSC link: ${error.message}`));
    session.on('close', () => {
      this.bound = false;
      if (this.session === session) this.session = null;
      if (this.stopping) return;
      this.logger.warn(`SMSC link closed; reconnecting in ${this.reconnectDelayMs} ms`);
      this.reconnectTimer = setTimeout(() => this.connect(), this.reconnectDelayMs);
      this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, MAX_RECONNECT_MS);
    });
  }

  private async deliver(session: smpp.Session, pdu: smpp.Pdu): Promise<void> {
    const text = messageText(pdu.short_message);
    const from = String(pdu.source_addr ?? '');
    const isReceipt = (Number(pdu.esm_class ?? 0) & ESM_CLASS_RECEIPT) !== 0;
    const receipt = isReceipt ? parseDeliveryReceipt(text) : null;
    const sms: InboundSms = receipt ? { kind: 'receipt', from, receipt } : { kind: 'mo', from, to: String(pdu.destination_addr ?? ''), text };
    try {
      if (!this.handler) throw new Error('no handler for inbound SMS yet');
      await this.handler(sms);
      session.send(pdu.response());
    } catch (error) {
      // Not acknowledged as delivered: the SMSC keeps the message and tries again later.
      this.logger.error(`Inbound SMS from ${maskNumber(from)} not stored: ${(error as Error).message}`, (error as Error).stack);
      session.send(pdu.response({ command_status: ESME_RSYSERR }));
    }
  }

  private async boundSession(): Promise<smpp.Session> {
    if (!this.started) await this.start();
    if (!this.bound) {
      const timeoutMs = this.config.SMPP_RESPONSE_TIMEOUT_SECONDS * 1000;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiters = this.waiters.filter((waiter) => waiter !== wake);
          reject(new SmsUnavailableError(`Not bound to the SMSC ${this.url} after ${timeoutMs} ms`));
        }, timeoutMs);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        this.waiters.push(wake);
      });
    }
    if (!this.session) throw new SmsUnavailableError('SMSC link lost');
    return this.session;
  }

  private request(session: smpp.Session, send: (callback: (pdu: smpp.Pdu) => void) => void): Promise<smpp.Pdu> {
    const timeoutMs = this.config.SMPP_RESPONSE_TIMEOUT_SECONDS * 1000;
    return new Promise((resolve, reject) => {
      const onClose = () => {
        clearTimeout(timer);
        reject(new SmsUnavailableError('SMSC link closed before it answered'));
      };
      const timer = setTimeout(() => {
        session.off('close', onClose);
        reject(new SmsUnavailableError(`SMSC did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      session.once('close', onClose);
      send((pdu) => {
        clearTimeout(timer);
        session.off('close', onClose);
        resolve(pdu);
      });
    });
  }
}

/** The `smpp` package decodes short_message to `{ message }` (string for UCS-2 and the default alphabet). */
function messageText(shortMessage: unknown): string {
  const message = typeof shortMessage === 'object' && shortMessage !== null && 'message' in shortMessage ? (shortMessage as { message: unknown }).message : shortMessage;
  if (Buffer.isBuffer(message)) return message.toString('latin1');
  return String(message ?? '');
}

/** Logs never carry a citizen's full number. */
export function maskNumber(number: string): string {
  return number.length > 7 ? `${number.slice(0, 3)}****${number.slice(-4)}` : '****';
}
