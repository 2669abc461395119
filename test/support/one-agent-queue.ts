/**
 * The set-up most single-agent telephony specs start from, and the wait they all begin with: every line
 * straight to the general queue, agent a1 on seat-1 (a SIPp UAS), logged in and ready; then the first call
 * connected to them.
 */
import { findFreePorts } from '@hotline/provisioning';
import type { HotlineEvent } from '@hotline/realtime';
import { dtmfPcapXml, runSipp, SippRunResult, SIPP_SCENARIOS } from './sipp/sipp.runner';
import { CallControlHarness, publishFlowOnLines, waitFor } from './call-control-harness';
import { sendCommand } from './call-control-processes';

export const DIRECT_FLOW = { start: 'queue', nodes: { queue: { type: 'queue' } } };

/** `userName`: the login a1 belongs to, for specs that act through the api as that agent. */
export async function oneAgentReady(h: CallControlHarness, options: { phonePort: number; wrapUpSeconds?: number; userName?: string }): Promise<void> {
  await publishFlowOnLines(h.db, 'direct', DIRECT_FLOW);
  await h.db.query(`UPDATE acd_skills SET ring_timeout_seconds = 10, wrap_up_seconds = $1, announce_every_seconds = 600, max_wait_seconds = 3600`, [options.wrapUpSeconds ?? 1]);
  await h.db.query(`INSERT INTO acd_seats (id, name, contact_uri) VALUES ('seat-1', 'seat-1', $1)`, [`sip:seat-1@127.0.0.1:${options.phonePort}`]);
  await h.db.query(`INSERT INTO acd_agents (id, name, user_id) VALUES ('a1', 'a1', (SELECT id FROM users WHERE username = $1))`, [options.userName ?? null]);
  await h.db.query(`INSERT INTO acd_agent_skills (agent_id, skill, level) VALUES ('a1', 'general', 5)`);
  for (const what of ['ivr-flows', 'lines', 'seats', 'queues'] as const) await sendCommand(h, 'config.reload', { what });
  await sendCommand(h, 'agent.login', { agentId: 'a1', seat: 'seat-1' });
  await sendCommand(h, 'agent.set-state', { agentId: 'a1', state: 'ready' });
}

/** The first call.connected on the bus (the citizen with the agent). */
export async function firstConnected(h: CallControlHarness, timeoutMs = 30_000): Promise<HotlineEvent<'call.connected'>['payload']> {
  let connected: HotlineEvent<'call.connected'> | undefined;
  await waitFor(async () => {
    connected = h.published.find((event) => event.type === 'call.connected') as HotlineEvent<'call.connected'> | undefined;
    return !!connected;
  }, timeoutMs, 'the citizen to be connected to the agent');
  return connected!.payload;
}

/** A citizen who calls 12345, talks, and presses one key `afterMs` after the answer (a rating, say); settles when SIPp ends. */
export function citizenPressing(h: CallControlHarness, options: { caller: string; digit: string; afterMs: number }): Promise<SippRunResult> {
  return Promise.all([findFreePorts(2), dtmfPcapXml(options.digit)]).then(([[sipPort, rtpPort], dtmf]) =>
    runSipp({
      scenarioFile: SIPP_SCENARIOS.citizenTalk,
      variables: { PRE_DTMF_MS: options.afterMs, DTMF_SEQUENCE: dtmf.xml, POST_DTMF_MS: 60_000 },
      service: '12345',
      remoteHost: '127.0.0.1',
      remotePort: h.asterisk.sipPort,
      localPort: sipPort!,
      keys: { caller: options.caller, rtp_port: rtpPort! },
      timeoutMs: 120_000,
    }),
  );
}
