/**
 * Proof that @hotline/provisioning gives a real, locked-down Asterisk 22:
 * unallocated numbers are refused before answer, the hotline number falls
 * back to a real Mandarin prompt when call-control is not connected, ARI and
 * AMI work with the generated credentials, and nothing of ours listens
 * beyond loopback. Cold start (first run: debootstrap) takes a few minutes,
 * warm start about a second.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { findFreePorts, findFreeUdpRange, startAsteriskInstance, type AsteriskInstance } from '@hotline/provisioning';
import { processEnvironment } from '@hotline/config';
import { RtpListener } from '../support/sipp/rtp-listener';
import { testEnvironment } from '../support/test-environment';
import { dtmfSequenceXml, runSipp, sippVersion, SIPP_SCENARIOS } from '../support/sipp/sipp.runner';
import { waitFor } from '../support/wait-for';

// Same cache as the launcher so npm start and npm test share one chroot.
const CACHE_DIR = testEnvironment.HOTLINE_CACHE_DIR;
const HOTLINE_NUMBER = '12345';
const ARI_APP = 'hotline';

// Cold start builds the chroot (debootstrap, ~1-3 min on these machines).
jest.setTimeout(10 * 60_000);

describe('Asterisk instance (real chroot, SIPp)', () => {
  let instance: AsteriskInstance;
  let ports: { sip: number; ari: number; ami: number; sippSip: number; rtpListen: number };
  let rtpRange: { start: number; end: number };

  beforeAll(async () => {
    const [sip, ari, ami, sippSip, rtpListen] = await findFreePorts(5);
    ports = { sip: sip!, ari: ari!, ami: ami!, sippSip: sippSip!, rtpListen: rtpListen! };
    rtpRange = await findFreeUdpRange(40, { from: 41_000, to: 49_000 });
    // The free ports above come from the OS's ephemeral range and may fall inside the RTP range: move it past them.
    const used = Object.values(ports);
    while (used.some((port) => port >= rtpRange.start && port <= rtpRange.end)) {
      rtpRange = await findFreeUdpRange(40, { from: rtpRange.end + 1, to: 60_000 });
    }
    process.stderr.write(`[telephony] ${await sippVersion()}\n`);

    const started = Date.now();
    instance = await startAsteriskInstance({
      cacheDir: CACHE_DIR,
      name: `telephony-proof-${process.pid}`,
      sipPort: ports.sip,
      ariHttpPort: ports.ari,
      amiPort: ports.ami,
      rtpStart: rtpRange.start,
      rtpEnd: rtpRange.end,
      hotlineNumber: HOTLINE_NUMBER,
      ariApp: ARI_APP,
      carrierAddresses: ['127.0.0.1'],
      env: processEnvironment(),
      log: (line) => process.stderr.write(`[telephony] ${line}\n`),
    });
    process.stderr.write(`[telephony] instance ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  afterAll(async () => {
    if (!instance) return;
    await instance.stop();
    expect(() => process.kill(instance.pid, 0)).toThrow();
  });

  it('refuses an unallocated number with 404 before answering, and logs it', async () => {
    const caller = '13800138001';
    const result = await runSipp({
      scenarioFile: SIPP_SCENARIOS.unknownNumber,
      service: '99999',
      remoteHost: '127.0.0.1',
      remotePort: instance.sipPort,
      localPort: ports.sippSip,
      keys: { caller },
      timeoutMs: 15_000,
    });

    // A 200 is not in the scenario: an answered call would be a failed run.
    expect(result.counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });
    expect(result.exitCode).toBe(0);
    expect(result.logLines).toContain('final-response=404');
    const messages = await fs.readFile(instance.logFiles.messages, 'utf8');
    expect(messages).toMatch(new RegExp(`NOTICE.*Unallocated number: caller=${caller} dialled=99999`));
    // Exactly one line: the hangup extension must not be caught by the catch-all patterns.
    expect(messages.match(/Unallocated number:/g)).toHaveLength(1);
  });

  it('answers the hotline number with the Mandarin fallback prompt when no ARI app is connected', async () => {
    const listener = await RtpListener.start({ port: ports.rtpListen });
    try {
      const call = runSipp({
        scenarioFile: SIPP_SCENARIOS.citizenListen,
        variables: { LISTEN_MS: 20_000 },
        service: HOTLINE_NUMBER,
        remoteHost: '127.0.0.1',
        remotePort: instance.sipPort,
        localPort: ports.sippSip,
        keys: { caller: '13800138002', rtp_port: ports.rtpListen },
        timeoutMs: 30_000,
      });

      // While media flows, the call's RTP socket must be on loopback too.
      await waitFor(() => listener.stats().packets > 10, 10_000, 'RTP from Asterisk');
      const duringCall = listeningSockets(instance.pid);
      const result = await call;

      expect(result.exitCode).toBe(0);
      expect(result.counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });
      // Asterisk hung up after the prompt: no dead air, no call left open.
      expect(result.logLines).toContain('hangup=remote');

      const stats = listener.stats();
      // "系统维护中，请稍后再拨。再见。" lasts ~3 s: ~150 packets of 20 ms.
      expect(stats.payloadTypes[8] ?? 0).toBeGreaterThan(75);
      expect(stats.pcmaVoicedPackets).toBeGreaterThan(40);
      expect(stats.pcmaRms).toBeGreaterThan(300);

      const rtpSockets = duringCall.filter((s) => s.protocol === 'udp' && s.port >= rtpRange.start && s.port <= rtpRange.end);
      expect(rtpSockets.length).toBeGreaterThan(0);
      for (const socket of rtpSockets) expect(socket.address).toBe('127.0.0.1');

      const messages = await fs.readFile(instance.logFiles.messages, 'utf8');
      expect(messages).toMatch(/ARI app hotline not connected - fallback played to 13800138002/);
    } finally {
      await listener.close();
    }
  });

  it('serves ARI on loopback with the generated credentials only', async () => {
    const url = `${instance.ariUrl}/ari/asterisk/info`;
    const ok = await fetch(url, { headers: { authorization: basicAuth(instance.ariUsername, instance.ariPassword) } });
    expect(ok.status).toBe(200);
    const info = (await ok.json()) as { system?: { version?: string } };
    expect(info.system?.version).toMatch(/^22\./);

    const wrong = await fetch(url, { headers: { authorization: basicAuth(instance.ariUsername, `${instance.ariPassword}x`) } });
    expect(wrong.status).toBe(401);
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(instance.ariPassword.length).toBeGreaterThanOrEqual(24);
  });

  it('accepts an AMI login with the generated secret and rejects a wrong one', async () => {
    expect(await amiLogin(instance.amiHost, instance.amiPort, instance.amiUsername, instance.amiPassword)).toMatch(/Response: Success/);
    expect(await amiLogin(instance.amiHost, instance.amiPort, instance.amiUsername, 'wrong')).toMatch(/Response: Error/);
  });

  it('listens on loopback only', async () => {
    const sockets = listeningSockets(instance.pid);
    const ours = (port: number, protocol: 'tcp' | 'udp') => sockets.filter((s) => s.port === port && s.protocol === protocol);
    expect(ours(instance.sipPort, 'udp').map((s) => s.address)).toEqual(['127.0.0.1']);
    expect(ours(ports.ari, 'tcp').map((s) => s.address)).toEqual(['127.0.0.1']);
    expect(ours(instance.amiPort, 'tcp').map((s) => s.address)).toEqual(['127.0.0.1']);
    // No TCP listener of this Asterisk on any other address (IAX2, DUNDi, websocket... are not loaded).
    for (const socket of sockets.filter((s) => s.protocol === 'tcp')) expect(socket.address).toBe('127.0.0.1');
    // UDP: besides SIP and RTP, pjproject's DNS resolver keeps two unconnected client sockets on
    // ephemeral ports of the wildcard address (IPv4 + IPv6); they are not services. Anything else is a leak.
    const foreignUdp = sockets.filter((s) => s.protocol === 'udp' && s.address !== '127.0.0.1');
    expect(foreignUdp.length).toBeLessThanOrEqual(2);
    for (const socket of foreignUdp) {
      expect([instance.sipPort, ports.ari, instance.amiPort]).not.toContain(socket.port);
      expect(socket.port < rtpRange.start || socket.port > rtpRange.end).toBe(true);
    }

    // And from the outside: ARI and AMI refuse connections on this machine's other addresses.
    for (const address of nonLoopbackIpv4()) {
      await expect(tcpConnects(address, ports.ari)).resolves.toBe(false);
      await expect(tcpConnects(address, instance.amiPort)).resolves.toBe(false);
    }
  });

  it('plays hotline prompts to a zh channel and delivers the citizen\'s RFC 4733 digits to an ARI app', async () => {
    // A throw-away ARI app (Node's built-in WebSocket): answers, plays a prompt by its
    // language-neutral name (Asterisk must find sounds/zh/hotline/... for the zh channel)
    // and collects DTMF - proving citizen-dtmf.xml and the carrier's dtmf_mode end to end.
    const digits: string[] = [];
    const playbacks: string[] = [];
    const app = await connectAriApp(instance, ARI_APP, async (event) => {
      if (event.type === 'StasisStart') {
        await ari(instance, 'POST', `/channels/${event.channel?.id}/answer`);
        await ari(instance, 'POST', `/channels/${event.channel?.id}/play?media=sound:hotline/you-pressed`);
      }
      if (event.type === 'PlaybackFinished') playbacks.push(`${event.playback?.media_uri}:${event.playback?.state}`);
      if (event.type === 'ChannelDtmfReceived' && event.digit) digits.push(event.digit);
    });
    const listener = await RtpListener.start({ port: ports.rtpListen });
    try {
      const result = await runSipp({
        scenarioFile: SIPP_SCENARIOS.citizenDtmf,
        variables: { PRE_DTMF_MS: 2_000, DTMF_SEQUENCE: dtmfSequenceXml('1029*#'), POST_DTMF_MS: 500 },
        service: HOTLINE_NUMBER,
        remoteHost: '127.0.0.1',
        remotePort: instance.sipPort,
        localPort: ports.sippSip,
        keys: { caller: '13800138003', rtp_port: ports.rtpListen },
        timeoutMs: 30_000,
      });
      expect(result.exitCode).toBe(0);
      expect(result.counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });
      await waitFor(() => digits.length >= 6, 5_000, 'six DTMF events');
      expect(digits.join('')).toBe('1029*#');
      expect(result.logLines).toContain('hangup=local');
      // "failed" here would mean Asterisk did not find the file for language zh.
      expect(playbacks).toEqual(['sound:hotline/you-pressed:done']);
      expect(listener.stats().pcmaVoicedPackets).toBeGreaterThan(10);
      expect(app.failures).toEqual([]);
    } finally {
      await listener.close();
      app.socket.close();
    }
  });

  it('runs CLI commands through rx()', async () => {
    expect(await instance.rx('core show version')).toMatch(/Asterisk 22\./);
    await expect(instance.rx('no such command')).resolves.toMatch(/No such command/);
  });
});

interface SocketEntry {
  readonly protocol: 'tcp' | 'udp';
  readonly address: string;
  readonly port: number;
}

/** Listening TCP and unconnected UDP sockets of a process, from `ss`. */
function listeningSockets(pid: number): SocketEntry[] {
  const output = execFileSync('ss', ['-H', '-lntup'], { encoding: 'utf8' });
  return output
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => {
      const [netid = '', , , , local = ''] = line.trim().split(/\s+/);
      const colon = local.lastIndexOf(':');
      return {
        protocol: netid === 'tcp' ? 'tcp' : 'udp',
        address: local.slice(0, colon).replace(/^\[|\]$/g, ''),
        port: Number(local.slice(colon + 1)),
      } as const;
    });
}

interface AriEvent {
  readonly type: string;
  readonly digit?: string;
  readonly channel?: { readonly id: string };
  readonly playback?: { readonly media_uri: string; readonly state: string };
}

/**
 * Subscribes to an ARI app over the events websocket; resolves once connected.
 * Errors thrown by the handler are collected in `failures` for the test to assert on.
 */
function connectAriApp(
  inst: AsteriskInstance,
  app: string,
  onEvent: (event: AriEvent) => Promise<void>,
): Promise<{ socket: WebSocket; failures: unknown[] }> {
  const url = `${inst.ariUrl.replace(/^http/, 'ws')}/ari/events?app=${app}&api_key=${inst.ariUsername}:${inst.ariPassword}`;
  const socket = new WebSocket(url);
  const failures: unknown[] = [];
  socket.addEventListener('message', (message) => {
    onEvent(JSON.parse(String(message.data)) as AriEvent).catch((error: unknown) => failures.push(error));
  });
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve({ socket, failures }));
    socket.addEventListener('error', () => reject(new Error(`ARI websocket ${inst.ariUrl} failed`)));
  });
}

async function ari(inst: AsteriskInstance, method: string, resource: string): Promise<void> {
  const response = await fetch(`${inst.ariUrl}/ari${resource}`, {
    method,
    headers: { authorization: basicAuth(inst.ariUsername, inst.ariPassword) },
  });
  if (!response.ok) throw new Error(`ARI ${method} ${resource}: ${response.status} ${await response.text()}`);
}

function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Logs in over plain TCP and returns the response block to the Login action. */
function amiLogin(host: string, port: number, username: string, secret: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buffer = '';
    let sent = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`AMI did not answer: ${buffer}`));
    }, 10_000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (!sent && buffer.includes('Asterisk Call Manager')) {
        sent = true;
        buffer = '';
        socket.write(`Action: Login\r\nActionID: proof\r\nUsername: ${username}\r\nSecret: ${secret}\r\n\r\n`);
        return;
      }
      const end = buffer.indexOf('\r\n\r\n');
      if (sent && end >= 0 && /ActionID: proof/.test(buffer)) {
        clearTimeout(timer);
        socket.end('Action: Logoff\r\n\r\n');
        resolve(buffer.slice(0, end));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function nonLoopbackIpv4(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
}

function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

