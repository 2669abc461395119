/**
 * SIP from anywhere but the carrier is refused (issue 9, security). SIPp plays a scanner from 127.0.0.2
 * (the carrier is identified by 127.0.0.1 only): INVITEs to the hotline, to an integrated-line-like
 * number and to external-looking numbers (0085212345678, 110), INVITEs whose From names the carrier
 * endpoint (pjsip identifies by username too), OPTIONS and REGISTER. Every request must get a 4xx,
 * no channel may be created (Asterisk's "calls processed" counter stays put, no dialplan line is
 * logged), nothing may be dialled out, and the answers must not reveal what software answers them.
 * A control call from the carrier's address proves the same counters do see a call that gets in.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { findFreePorts, type AsteriskInstance } from '@hotline/provisioning';
import { startTestAsterisk } from '../support/asterisk-test-instance';
import { runSipp, SIPP_SCENARIOS, SippRunResult } from '../support/sipp/sipp.runner';

jest.setTimeout(180_000);

const SCANNER_IP = '127.0.0.2';
const SCENARIOS = { invite: path.join(__dirname, 'scenarios', 'scanner-invite.xml'), request: path.join(__dirname, 'scenarios', 'scanner-request.xml') };
const CALLS_PER_CASE = 3;

interface Counts {
  active: number;
  processed: number;
}

async function channelCounts(asterisk: AsteriskInstance): Promise<Counts> {
  const text = await asterisk.rx('core show channels count');
  const number = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
  return { active: number(/(\d+) active channels?/), processed: number(/(\d+) calls? processed/) };
}

function finalResponses(result: SippRunResult): number[] {
  return result.logLines.filter((line) => line.startsWith('final-response=')).map((line) => Number(line.slice('final-response='.length)));
}

function responses(result: SippRunResult): string {
  return result.logLines.filter((line) => !line.startsWith('final-response=')).join('\n');
}

describe('SIP scanner from outside the carrier (real Asterisk, SIPp from 127.0.0.2)', () => {
  let asterisk: AsteriskInstance;
  let ports: { sipp: number };

  beforeAll(async () => {
    asterisk = await startTestAsterisk('sip-scanner', 'hotline', 37_000);
    const [sipp] = await findFreePorts(1);
    ports = { sipp: sipp! };
  });

  afterAll(async () => {
    await asterisk?.stop();
  });

  const scan = (scenario: 'invite' | 'request', service: string, fromUser: string, method?: string, localIp = SCANNER_IP) =>
    runSipp({
      scenarioFile: SCENARIOS[scenario],
      variables: method ? { METHOD: method } : {},
      service,
      remoteHost: '127.0.0.1',
      remotePort: asterisk.sipPort,
      localIp,
      localPort: ports.sipp,
      calls: CALLS_PER_CASE,
      rate: 10,
      keys: { from_user: fromUser },
      timeoutMs: 20_000,
    });

  it('control: the same counters see a call from the carrier address reach the dialplan', async () => {
    const before = await channelCounts(asterisk);
    const result = await runSipp({
      scenarioFile: SIPP_SCENARIOS.unknownNumber,
      service: '0085212345678',
      remoteHost: '127.0.0.1',
      remotePort: asterisk.sipPort,
      localPort: ports.sipp,
      keys: { caller: '13800138000' },
      timeoutMs: 15_000,
    });
    expect(result.logLines).toContain('final-response=404');
    const after = await channelCounts(asterisk);
    expect(after.processed - before.processed).toBe(1);
    expect(await fs.readFile(asterisk.logFiles.messages, 'utf8')).toMatch(/Unallocated number: caller=13800138000 dialled=0085212345678/);
  });

  it('refuses every INVITE, OPTIONS and REGISTER with a 4xx, creates no channel and dials nothing', async () => {
    const logBefore = (await fs.readFile(asterisk.logFiles.messages, 'utf8')).length;
    const before = await channelCounts(asterisk);
    const cases: { name: string; run: () => Promise<SippRunResult> }[] = [
      { name: 'INVITE 12345', run: () => scan('invite', '12345', '13800138000') },
      { name: 'INVITE 12315', run: () => scan('invite', '12315', '13800138000') },
      { name: 'INVITE 0085212345678', run: () => scan('invite', '0085212345678', '13800138000') },
      { name: 'INVITE 110', run: () => scan('invite', '110', '13800138000') },
      { name: 'INVITE +8613900000000', run: () => scan('invite', '+8613900000000', '13800138000') },
      // pjsip also identifies endpoints by the From user: a scanner guessing the carrier endpoint's name.
      { name: 'INVITE 12345 From: carrier', run: () => scan('invite', '12345', 'carrier') },
      { name: 'INVITE 0085212345678 From: carrier', run: () => scan('invite', '0085212345678', 'carrier') },
      { name: 'OPTIONS', run: () => scan('request', '12345', '13800138000', 'OPTIONS') },
      { name: 'OPTIONS From: carrier', run: () => scan('request', '12345', 'carrier', 'OPTIONS') },
      { name: 'REGISTER 1000', run: () => scan('request', '1000', '1000', 'REGISTER') },
      { name: 'REGISTER carrier', run: () => scan('request', 'carrier', 'carrier', 'REGISTER') },
    ];
    const outcomes: Record<string, number[]> = {};
    const answers: string[] = [];
    for (const { name, run } of cases) {
      const result = await run();
      outcomes[name] = finalResponses(result);
      answers.push(responses(result));
      if (result.counters.failedCalls > 0) process.stderr.write(`[sip-scanner] ${name} failed; SIPp errors:\n${result.errors.slice(0, 3_000)}\n`);
      expect({ name, counters: result.counters }).toMatchObject({ name, counters: { successfulCalls: CALLS_PER_CASE, failedCalls: 0 } });
      // Mid-run too: nothing is up while the scanner is at it.
      expect((await channelCounts(asterisk)).active).toBe(0);
    }
    process.stderr.write(`[sip-scanner] final responses: ${JSON.stringify(outcomes)}\n`);
    for (const [name, codes] of Object.entries(outcomes)) {
      expect({ name, count: codes.length }).toEqual({ name, count: CALLS_PER_CASE });
      for (const code of codes) expect({ name, code, class: Math.floor(code / 100) }).toEqual({ name, code, class: 4 });
    }

    const after = await channelCounts(asterisk);
    // "calls processed" counts every channel ever created, inbound or outbound: 0 means nothing reached
    // the dialplan and nothing was dialled.
    expect(after).toEqual({ active: 0, processed: before.processed });
    const newLog = (await fs.readFile(asterisk.logFiles.messages, 'utf8')).slice(logBefore);
    expect(newLog).not.toMatch(/Unallocated number|Hotline call|fallback played|Outbound /);

    // What a scanner learns: no product name, version or library in any answer, only our User-Agent.
    const text = answers.join('\n');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/asterisk|pjsip|pjproject|digium|sangoma/i);
    expect(text).not.toMatch(/\b22\.\d+\.\d+/);
    for (const header of text.match(/^(Server|User-Agent):.*$/gim) ?? []) expect(header.trim()).toMatch(/^(Server|User-Agent): hotline12345$/i);
  });
});
