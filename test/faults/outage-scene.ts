/**
 * What the Postgres-outage fault tests share: a Postgres of their own (stopped and started by the test), an
 * agent phone and a 110 dispatcher played by SIPp UAS, Asterisk, call-control in a process of its own, and
 * the queue provisioned with 12345 straight to it and an integrated line whose IVR puts callers through to 110.
 */
import { Client } from 'pg';
import { findFreePorts } from '@hotline/provisioning';
import { SippUas, SIPP_SCENARIOS, startSippUas } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness } from '../support/call-control-harness';
import { CallControlChild, startCallControlChild } from '../support/call-control-child';
import { DIRECT_FLOW, provisionQueue } from './fault-fixture';
import { OwnPostgres } from './own-postgres';

/** An integrated line whose IVR hands the caller straight to the police (a real flow would ask first). */
export const POLICE_LINE = '12315';
const TO_POLICE_FLOW = { start: 't', nodes: { t: { type: 'transfer', number: '110' } } };

export class OutageScene {
  /** The test's client of its own cluster: closed before Postgres stops, opened again (`reconnect`) after. */
  db!: Client;
  callControl: CallControlChild | null = null;

  private constructor(
    readonly label: string,
    readonly pg: OwnPostgres,
    readonly h: CallControlHarness,
    readonly phone: SippUas,
    readonly dispatcher: SippUas,
  ) {}

  static async start(label: string, options: { rtpFrom: number; rtpPorts: number; timeoutMs: number; lines?: Record<string, object> }): Promise<OutageScene> {
    // What started so far is stopped again if a later step fails, so a broken set-up leaves nothing running.
    const started: Array<() => Promise<unknown>> = [];
    try {
      const pg = await OwnPostgres.create(label);
      started.push(() => pg.destroy());
      const [phonePort, dispatcherPort] = (await findFreePorts(2)) as [number, number];
      const phone = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 300, TALK_MS: 2_500 }, localPort: phonePort, timeoutMs: options.timeoutMs });
      started.push(() => phone.stop());
      // The 110 dispatcher, reached through the carrier trunk: answers, talks 3 s, hangs up.
      const dispatcher = await startSippUas({ scenarioFile: SIPP_SCENARIOS.agentPhone, variables: { ANSWER_AFTER_MS: 500, TALK_MS: 3_000 }, localPort: dispatcherPort, timeoutMs: options.timeoutMs });
      started.push(() => dispatcher.stop());
      const h = await startCallControlHarness(`fault-${label}`, {
        rtpFrom: options.rtpFrom,
        rtpPorts: options.rtpPorts,
        startCallControl: false,
        config: { DATABASE_URL: pg.url, OUTBOUND_ENDPOINT_TEMPLATE: `PJSIP/carrier/sip:{number}@127.0.0.1:${dispatcherPort}` },
      });
      const scene = new OutageScene(label, pg, h, phone, dispatcher);
      started.splice(0, started.length, () => scene.stop());
      scene.callControl = await startCallControlChild(h.config, 'call-control#1');
      await scene.reconnect();
      await provisionQueue(scene.f, { lines: { '12345': DIRECT_FLOW, [POLICE_LINE]: TO_POLICE_FLOW, ...options.lines }, agents: [{ id: 'agent-1', seat: 'seat-1', contactUri: `sip:seat-1@127.0.0.1:${phonePort}` }] });
      return scene;
    } catch (error) {
      for (const stop of started.reverse()) await stop().catch((stopError: Error) => process.stderr.write(`[fault-${label}] clean-up after a failed set-up: ${stopError.message}\n`));
      throw error;
    }
  }

  /** The harness with `db` on the test's own cluster (the harness's own database is unused), for the fixture. */
  get f(): CallControlHarness {
    return Object.create(this.h, { db: { get: () => this.db } }) as CallControlHarness;
  }

  async reconnect(): Promise<void> {
    const client = new Client({ connectionString: this.pg.url });
    // A client whose server goes away emits 'error'; the tests close it before stopping the server anyway.
    client.on('error', (error: Error) => process.stderr.write(`[fault-${this.label}] test client: ${error.message}\n`));
    await client.connect();
    this.db = client;
  }

  /** How many calls the dispatcher answered. */
  async dispatcherAnswered(): Promise<number> {
    return (await this.dispatcher.logLines()).filter((line) => line.startsWith('answered')).length;
  }

  async stop(): Promise<void> {
    await this.callControl?.stop();
    this.callControl = null;
    await this.db?.end().catch((error: Error) => process.stderr.write(`[fault-${this.label}] ${error.message}\n`));
    await this.h.close();
    await this.phone.stop();
    await this.dispatcher.stop();
    await this.pg.destroy();
  }
}
