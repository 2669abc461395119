/**
 * What every fault scenario sets up on top of the call-control harness: a flow straight to the queue (or
 * an IVR in front of it), seats and agents in Postgres pushed to Asterisk, agent commands, SIPp citizens
 * that talk (audio both ways), and the timeline queries the assertions read.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findFreePorts } from '@hotline/provisioning';
import { runSipp, SippRunResult, SIPP_PCAP_DIR, SIPP_SCENARIOS } from '../support/sipp/sipp.runner';
import { CallControlHarness, publishFlowOnLines } from '../support/call-control-harness';

export const DIRECT_FLOW = { start: 'queue', nodes: { queue: { type: 'queue' } } };

/**
 * Callers sit in the IVR for a while (the menu prompt, then up to 30 s waiting for a key nobody presses),
 * then queue: a crash during that time catches them "in the IVR".
 */
export const IVR_THEN_QUEUE_FLOW = {
  start: 'menu',
  nodes: {
    menu: { type: 'menu', prompt: { sound: 'menu-main' }, options: { '0': 'queue' }, timeoutMs: 30_000, maxAttempts: 1, onFailure: 'queue' },
    queue: { type: 'queue', skill: 'general' },
  },
};

export interface FaultAgent {
  id: string;
  seat: string;
  /** sip:seat@127.0.0.1:port of the SIPp UAS playing the phone (or a port nothing listens on). */
  contactUri: string;
}

/** Publishes a flow per line (12345 straight to the queue unless told), queue settings, seats and agents, then has call-control reload them. */
export async function provisionQueue(
  h: CallControlHarness,
  options: { lines?: Record<string, object>; agents: FaultAgent[]; queue?: Record<string, number> },
  commands: Pick<CallControlHarness['commands'], 'send'> = h.commands,
): Promise<void> {
  for (const [line, flow] of Object.entries(options.lines ?? { '12345': DIRECT_FLOW })) {
    await publishFlowOnLines(h.db, `fault-${line}`, flow, [line]);
  }
  const queue = { wrap_up_seconds: 0, announce_every_seconds: 600, max_wait_seconds: 3600, ring_timeout_seconds: 5, ...options.queue };
  const set = Object.entries(queue).map(([column, value]) => `${column} = ${Number(value)}`).join(', ');
  await h.db.query(`UPDATE acd_skills SET ${set}`);
  const seats = new Map(options.agents.map((agent) => [agent.seat, agent.contactUri]));
  for (const [seat, uri] of seats) await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ($1, $1, $2)`, [seat, uri]);
  for (const agent of options.agents) {
    await h.db.query(`INSERT INTO acd_agents (id, name) VALUES ($1, $1)`, [agent.id]);
    await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ($1, 'general', 5)`, [agent.id]);
  }
  for (const what of ['ivr-flows', 'lines', 'seats', 'queues'] as const) {
    const result = await commands.send('config.reload', { what, requestedBy: 'test' });
    if (!result.ok) throw new Error(`config.reload ${what}: ${result.error.code} ${result.error.message}`);
  }
}

export async function agentCommand(h: CallControlHarness, type: 'agent.login' | 'agent.set-state' | 'agent.logout', payload: Record<string, unknown>): Promise<void> {
  const result = await h.commands.send(type, { requestedBy: 'test', ...payload } as never);
  if (!result.ok) throw new Error(`${type}: ${result.error.code} ${result.error.message}`);
}

export async function loginReady(h: CallControlHarness, agent: Pick<FaultAgent, 'id' | 'seat'>): Promise<void> {
  await agentCommand(h, 'agent.login', { agentId: agent.id, seat: agent.seat });
  await agentCommand(h, 'agent.set-state', { agentId: agent.id, state: 'ready' });
}

/**
 * A crowd of citizens (SIPp UAC) calling a line (12345 unless told) with numbers `<prefix>1`, `<prefix>2`, ...
 * Each speaks (the crowd scenario plus SIPp's speech pcap, so audio flows both ways when an agent answers)
 * and stays on up to `listenMs` or until the hotline hangs up.
 */
export async function callCrowd(h: CallControlHarness, options: { prefix: string; calls: number; rate: number; listenMs: number; timeoutMs?: number; line?: string }): Promise<SippRunResult> {
  const [sipPort] = (await findFreePorts(1)) as [number];
  return runSipp({
    scenarioFile: await talkingCrowdScenario(),
    variables: { LISTEN_MS: options.listenMs, CALLER_PREFIX: options.prefix },
    service: options.line ?? '12345',
    remoteHost: '127.0.0.1',
    remotePort: h.asterisk.sipPort,
    localPort: sipPort,
    calls: options.calls,
    rate: options.rate,
    callLimit: options.calls,
    timeoutMs: options.timeoutMs ?? options.listenMs + 120_000,
  });
}

/** Callers (by number) in the order an event type was recorded for them. */
export async function callersByEvent(h: CallControlHarness, type: string, prefix: string): Promise<string[]> {
  const rows = await h.db.query(
    `SELECT c.caller_number FROM call_events e JOIN calls c ON c.id = e.call_id WHERE e.type = $1 AND c.caller_number LIKE $2 ORDER BY e.occurred_at, e.id`,
    [type, `${prefix}%`],
  );
  return rows.rows.map((row) => row.caller_number as string);
}

/** Callers (distinct calls) with at least one event of the type. */
export async function eventCount(h: CallControlHarness, type: string, prefix: string): Promise<number> {
  const rows = await h.db.query(`SELECT count(DISTINCT e.call_id)::int AS n FROM call_events e JOIN calls c ON c.id = e.call_id WHERE e.type = $1 AND c.caller_number LIKE $2`, [type, `${prefix}%`]);
  return rows.rows[0].n as number;
}

export async function activeChannels(h: CallControlHarness): Promise<number> {
  return Number(/(\d+) active channel/.exec(await h.asterisk.rx('core show channels count'))?.[1] ?? NaN);
}

let talkingCrowd: Promise<string> | null = null;

/** The shared crowd scenario with the caller's speech started right after the ACK. */
function talkingCrowdScenario(): Promise<string> {
  talkingCrowd ??= (async () => {
    const text = await fs.readFile(SIPP_SCENARIOS.citizenCrowd, 'utf8');
    const wait = '<recv request="BYE" timeout="{{LISTEN_MS}}"';
    if (!text.includes(wait)) throw new Error(`${SIPP_SCENARIOS.citizenCrowd} changed: no BYE wait to put the speech before`);
    const speech = `<nop><action><exec play_pcap_audio="${SIPP_PCAP_DIR}/g711a.pcap"/></action></nop>\n  `;
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'fault-crowd-')), 'citizen-crowd-talk.xml');
    await fs.writeFile(file, text.replace(wait, `${speech}${wait}`).replace('name="citizen-crowd"', 'name="citizen-crowd-talk"'));
    return file;
  })();
  return talkingCrowd;
}
