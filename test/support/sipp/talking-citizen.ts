import { findFreePorts } from '@hotline/provisioning';
import { runSipp, SippRunResult, SIPP_SCENARIOS } from './sipp.runner';

/**
 * One citizen who dials `service` on the test Asterisk at `asteriskSipPort`, talks (audio both ways) and
 * stays on the line `holdMs` after Asterisk answers, unless the far end hangs up first. Ports are its own.
 */
export async function talkingCitizen(asteriskSipPort: number, caller: string, holdMs: number, service = '12345'): Promise<SippRunResult> {
  const [sipPort, rtpPort] = (await findFreePorts(2)) as [number, number];
  return runSipp({
    scenarioFile: SIPP_SCENARIOS.citizenTalk,
    variables: { PRE_DTMF_MS: 500, DTMF_SEQUENCE: '', POST_DTMF_MS: holdMs },
    service,
    remoteHost: '127.0.0.1',
    remotePort: asteriskSipPort,
    localPort: sipPort,
    keys: { caller, rtp_port: rtpPort },
    timeoutMs: holdMs + 60_000,
  });
}
