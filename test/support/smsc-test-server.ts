import * as smpp from 'smpp';
import { AddressInfo } from 'node:net';

/** One submit_sm as the SMSC saw it; `text` is the part's text, `udh` its concatenation header if any. */
export interface ReceivedSubmit {
  messageId: string;
  destination: string;
  source: string;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  udh: Buffer | null;
  text: string;
}

/**
 * A real SMPP server (the `smpp` package's) playing the SMSC: accepts binds with the configured credentials,
 * answers submit_sm with message ids (or an error status while `failSubmits` > 0), and sends deliver_sm
 * (MO replies, delivery receipts) to the bound client. It can be stopped and started on the same port to
 * play an SMSC outage.
 */
export class SmscTestServer {
  readonly submits: ReceivedSubmit[] = [];
  readonly deliverResponses: number[] = [];
  failSubmits = 0;
  /** Delays each submit_sm_resp, so a campaign takes long enough to be interrupted mid-way. */
  submitDelayMs = 0;
  private server: smpp.Server | null = null;
  private counter = 0;
  port = 0;

  constructor(private readonly credentials: { systemId: string; password: string }) {}

  get url(): string {
    return `smpp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = smpp.createServer({}, (session) => this.serve(session));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Closes the listener and drops every bound client, as a crashed SMSC would. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const session of [...server.sessions]) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  bound(): boolean {
    return (this.server?.sessions ?? []).some((session) => (session as unknown as { bound?: boolean }).bound);
  }

  /** Texts as the citizen's phone shows them: concatenated parts joined, in order. */
  messagesTo(destination: string): string[] {
    const parts = this.submits.filter((submit) => submit.destination === destination);
    const messages: string[] = [];
    const long = new Map<number, string[]>();
    for (const part of parts) {
      if (!part.udh) {
        messages.push(part.text);
        continue;
      }
      // The package hands the information element without the UDH length octet: IEI 00, length 03, ref, total, seq.
      const [, , reference, total, sequence] = [...part.udh];
      const chunks = long.get(reference) ?? Array.from({ length: total }, () => '');
      chunks[sequence - 1] = part.text;
      long.set(reference, chunks);
      if (sequence === total) messages.push(chunks.join(''));
    }
    return messages;
  }

  /** A citizen's reply (MO) from `from` to the hotline's number; resolves with the client's response status. */
  sendMo(from: string, to: string, text: string): Promise<number> {
    return this.deliver({ source_addr: from, destination_addr: to, esm_class: 0, short_message: text });
  }

  sendReceipt(submit: ReceivedSubmit, stat: string): Promise<number> {
    const text = `id:${submit.messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:2609301000 done date:2609301001 stat:${stat} err:000 text:`;
    return this.deliver({ source_addr: submit.destination, destination_addr: submit.source, esm_class: 0x04, short_message: text });
  }

  private deliver(fields: Record<string, unknown>): Promise<number> {
    const session = (this.server?.sessions ?? []).find((candidate) => (candidate as unknown as { bound?: boolean }).bound);
    if (!session) return Promise.reject(new Error('no bound SMPP client'));
    return new Promise((resolve) => {
      session.deliver_sm(fields, (pdu) => {
        this.deliverResponses.push(pdu.command_status);
        resolve(pdu.command_status);
      });
    });
  }

  private serve(session: smpp.Session): void {
    session.on('error', () => undefined); // a client that disconnects abruptly is part of the tests
    session.on('bind_transceiver', (pdu: smpp.Pdu) => {
      if (pdu.system_id !== this.credentials.systemId || pdu.password !== this.credentials.password) {
        session.send(pdu.response({ command_status: 0x0d })); // ESME_RBINDFAIL
        session.close();
        return;
      }
      (session as unknown as { bound: boolean }).bound = true;
      session.send(pdu.response({ system_id: 'test-smsc' }));
    });
    session.on('enquire_link', (pdu: smpp.Pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu: smpp.Pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: smpp.Pdu) => {
      if (this.failSubmits > 0) {
        this.failSubmits -= 1;
        session.send(pdu.response({ command_status: 0x08 })); // ESME_RSYSERR
        return;
      }
      this.counter += 1;
      const messageId = `m${this.counter}`;
      const message = pdu.short_message as { udh?: Buffer[]; message: string | Buffer };
      this.submits.push({
        messageId,
        destination: String(pdu.destination_addr),
        source: String(pdu.source_addr),
        dataCoding: Number(pdu.data_coding),
        esmClass: Number(pdu.esm_class),
        registeredDelivery: Number(pdu.registered_delivery),
        udh: message.udh?.[0] ?? null,
        text: typeof message.message === 'string' ? message.message : message.message.toString('latin1'),
      });
      const respond = () => session.send(pdu.response({ message_id: messageId }));
      if (this.submitDelayMs > 0) setTimeout(respond, this.submitDelayMs);
      else respond();
    });
  }
}
