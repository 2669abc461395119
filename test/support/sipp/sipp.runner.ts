import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { findFreeUdpRange } from '@hotline/provisioning';
import { writeDtmfPcap } from './dtmf-pcap.writer';

/** The scenario files shipped next to this runner. */
export const SIPP_SCENARIOS = {
  citizenDtmf: path.join(__dirname, 'scenarios', 'citizen-dtmf.xml'),
  citizenListen: path.join(__dirname, 'scenarios', 'citizen-listen.xml'),
  citizenTalk: path.join(__dirname, 'scenarios', 'citizen-talk.xml'),
  citizenCrowd: path.join(__dirname, 'scenarios', 'citizen-crowd.xml'),
  agentPhone: path.join(__dirname, 'scenarios', 'agent-phone.xml'),
  deadPhone: path.join(__dirname, 'scenarios', 'dead-phone.xml'),
  unknownNumber: path.join(__dirname, 'scenarios', 'unknown-number.xml'),
} as const;

/** DTMF pcaps shipped by Debian's sip-tester package (RFC 2833 events, ~140 ms each). */
export const SIPP_PCAP_DIR = '/usr/share/sip-tester';

export interface SippRunOptions {
  readonly scenarioFile: string;
  /** Replaces {{NAME}} in the scenario text before SIPp sees it (things SIPp keywords cannot do, like pause lengths). */
  readonly variables?: Readonly<Record<string, string | number>>;
  /** Passed as `-key NAME VALUE`, used in the scenario as [NAME]. */
  readonly keys?: Readonly<Record<string, string | number>>;
  /** Request-URI user (`-s`): the number dialled. */
  readonly service: string;
  readonly remoteHost: string;
  readonly remotePort: number;
  /** SIPp's SIP port (`-p`); distinct per concurrent SIPp process. */
  readonly localPort: number;
  /**
   * SIPp's media port (`-mp`), where play_pcap_audio sends from. Leave it out: the runner then picks a
   * free block (see {@link findFreeSippMediaPort}) and retries with another if SIPp still cannot bind it.
   */
  readonly mediaPort?: number;
  /** Number of calls (`-m`, default 1). */
  readonly calls?: number;
  /** Calls per second (`-r`, default 10). */
  readonly rate?: number;
  /** Maximum simultaneous calls (`-l`); SIPp silently refuses calls beyond it. */
  readonly callLimit?: number;
  /** Global timeout (`-timeout`): the run always ends. */
  readonly timeoutMs: number;
  /**
   * Where SIPp writes its files. When absent, a fresh temp folder that is
   * deleted after a clean run (exit 0) and kept otherwise, for diagnosis.
   */
  readonly workDir?: string;
  readonly sippBinary?: string;
  /**
   * SIPp's own address for SIP and media (`-i`/`-mi`), default 127.0.0.1 (the carrier's address in the
   * test instances). Another loopback address (127.0.0.2) plays a stranger, e.g. a SIP scanner.
   */
  readonly localIp?: string;
}

/** Cumulative counters from the last line of SIPp's `-trace_stat` file. */
export interface SippCounters {
  readonly totalCallCreated: number;
  readonly successfulCalls: number;
  readonly failedCalls: number;
  readonly failedUnexpectedMessage: number;
  readonly failedCallRejected: number;
  readonly failedMaxUdpRetrans: number;
  readonly failedCmdNotSent: number;
  readonly failedRegexpDoesntMatch: number;
  readonly failedOutboundCongestion: number;
  readonly failedTimeoutOnRecv: number;
  readonly failedTimeoutOnSend: number;
  readonly outOfCallMessages: number;
  readonly retransmissions: number;
}

export interface SippRunResult {
  /** 0 all calls succeeded, 1 some failed, 97 internal stop, 99 no call processed, 255/254 fatal (see sipp -h). */
  readonly exitCode: number | null;
  readonly counters: SippCounters;
  /** Every column of the final statistics line, for counters not mapped above. */
  readonly rawStats: Readonly<Record<string, string>>;
  /** Lines written by <log> actions (`-trace_logs`). */
  readonly logLines: readonly string[];
  /** Content of the `-trace_err` file (unexpected messages, retransmissions...). */
  readonly errors: string;
  readonly stdout: string;
  readonly stderr: string;
  /** SIPp's files (scenario as run, stats, errors, logs); already deleted after a clean run in a temp folder. */
  readonly workDir: string;
}

/**
 * Runs one SIPp process to completion. Always passes -timeout (so a test
 * never hangs on a lost BYE), -trace_stat/-stf (counters), -trace_err and
 * -trace_logs (files in workDir), -nostdin (no terminal under jest).
 */
export async function runSipp(options: SippRunOptions): Promise<SippRunResult> {
  return withMediaPortRetry(options.mediaPort, (mediaPort) => runSippOnce({ ...options, mediaPort }));
}

async function runSippOnce(options: SippRunOptions & { readonly mediaPort: number }): Promise<SippRunResult> {
  const workDir = options.workDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'sipp-')));
  const scenarioName = path.basename(options.scenarioFile, '.xml');
  const scenarioPath = path.join(workDir, `${scenarioName}.xml`);
  await fs.writeFile(scenarioPath, prepareScenario(await fs.readFile(options.scenarioFile, 'utf8'), options.variables ?? {}));

  const statFile = path.join(workDir, 'stats.csv');
  const errorFile = path.join(workDir, 'errors.log');
  const logFile = path.join(workDir, 'actions.log');
  const args = [
    `${options.remoteHost}:${options.remotePort}`,
    '-sf', scenarioPath,
    '-s', options.service,
    '-i', options.localIp ?? '127.0.0.1',
    '-mi', options.localIp ?? '127.0.0.1',
    '-p', String(options.localPort),
    '-mp', String(options.mediaPort),
    '-m', String(options.calls ?? 1),
    '-r', String(options.rate ?? 10),
    '-l', String(options.callLimit ?? Math.max(options.calls ?? 1, 1)),
    '-timeout', `${Math.ceil(options.timeoutMs / 1000)}s`,
    '-timeout_error',
    '-trace_stat', '-stf', statFile, '-fd', '1',
    '-trace_err', '-error_file', errorFile,
    '-trace_logs', '-log_file', logFile,
    '-nostdin',
    ...Object.entries(options.keys ?? {}).flatMap(([key, value]) => ['-key', key, String(value)]),
  ];

  const { exitCode, stdout, stderr } = await spawnCollect(options.sippBinary ?? 'sipp', args, workDir);
  const errors = await readIfExists(errorFile);
  if (exitCode === null || exitCode === 255 || exitCode === 254) {
    // -1/-2: SIPp never ran the scenario (parse error, port taken). Counters would
    // all be zero and hide why; fail loudly with what SIPp said instead.
    throw new SippFatalError(exitCode, [errors, stderr, stdout.slice(-2_000)].filter((t) => t.trim()).join('\n---\n'), workDir);
  }
  const rawStats = parseStatFile(await readIfExists(statFile));
  const logLines = (await readIfExists(logFile)).split('\n').map((l) => l.trim()).filter(Boolean);
  if (!options.workDir && exitCode === 0) await fs.rm(workDir, { recursive: true, force: true });
  return { exitCode, counters: countersFrom(rawStats), rawStats, logLines, errors, stdout, stderr, workDir };
}

export interface SippUasOptions {
  readonly scenarioFile: string;
  readonly variables?: Readonly<Record<string, string | number>>;
  readonly localPort: number;
  /** As in {@link SippRunOptions.mediaPort}: best left out. */
  readonly mediaPort?: number;
  /** Concurrent calls it takes (-l); SIPp silently refuses calls beyond it. */
  readonly callLimit?: number;
  readonly timeoutMs: number;
}

export interface SippUas {
  readonly port: number;
  /** Lines written by <log> actions so far. */
  logLines(): Promise<string[]>;
  /** Stops the process (SIGTERM, then SIGKILL) and returns its last log lines. */
  stop(): Promise<string[]>;
}

/**
 * A SIPp UAS running in the background for the length of a test: agent phones (every seat whose AOR
 * points at its port) or citizens being called back. Stopped by the test that started it.
 */
export async function startSippUas(options: SippUasOptions): Promise<SippUas> {
  return withMediaPortRetry(options.mediaPort, (mediaPort) => startSippUasOnce({ ...options, mediaPort }));
}

async function startSippUasOnce(options: SippUasOptions & { readonly mediaPort: number }): Promise<SippUas> {
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sipp-uas-'));
  const scenarioPath = path.join(workDir, path.basename(options.scenarioFile));
  await fs.writeFile(scenarioPath, prepareScenario(await fs.readFile(options.scenarioFile, 'utf8'), options.variables ?? {}));
  const logFile = path.join(workDir, 'actions.log');
  const limit = options.callLimit ?? 200;
  const child = spawn(
    'sipp',
    [
      '-sf', scenarioPath,
      '-i', '127.0.0.1',
      '-mi', '127.0.0.1',
      '-p', String(options.localPort),
      '-mp', String(options.mediaPort),
      '-m', '100000',
      '-l', String(limit),
      '-timeout', `${Math.ceil(options.timeoutMs / 1000)}s`,
      '-trace_logs', '-log_file', logFile,
      '-trace_err', '-error_file', path.join(workDir, 'errors.log'),
      '-nostdin',
    ],
    { cwd: workDir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // SIPp binds its port at start; give it a moment and fail loudly if it died (port taken, bad scenario).
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (child.exitCode !== null) throw new SippFatalError(child.exitCode, stderr, workDir);
  const logLines = async () => (await readIfExists(logFile)).split('\n').map((line) => line.trim()).filter(Boolean);
  return {
    port: options.localPort,
    logLines,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(killer);
      }
      const lines = await logLines();
      await fs.rm(workDir, { recursive: true, force: true });
      return lines;
    },
  };
}

/**
 * SIPp binds its media port (`-mp`) and mp+2 (video) at start. Ports from the kernel's ephemeral range
 * (32768–60999 here) race with Asterisk's RTP ranges and with every other test's sockets, which made SIPp
 * exit 254 now and then under CI's parallel workers. Media blocks therefore come from 61000–65535, which
 * neither the kernel nor our Asterisk instances hand out, starting at a random block so parallel workers
 * rarely probe the same one.
 */
export async function findFreeSippMediaPort(): Promise<number> {
  const blocks = Math.floor((MEDIA_PORTS_TO - MEDIA_PORTS_FROM + 1) / MEDIA_BLOCK);
  const from = MEDIA_PORTS_FROM + MEDIA_BLOCK * Math.floor(Math.random() * blocks);
  try {
    return (await findFreeUdpRange(MEDIA_BLOCK, { from, to: MEDIA_PORTS_TO })).start;
  } catch {
    // Nothing free above the random start: the whole range from its bottom is the last word.
    return (await findFreeUdpRange(MEDIA_BLOCK, { from: MEDIA_PORTS_FROM, to: MEDIA_PORTS_TO })).start;
  }
}

const MEDIA_PORTS_FROM = 61_000;
const MEDIA_PORTS_TO = 65_535;
const MEDIA_BLOCK = 4;
const MEDIA_PORT_ATTEMPTS = 3;

/** Runs `start` with the caller's media port, or with picked ones, trying a fresh block when SIPp could not bind. */
async function withMediaPortRetry<T>(requested: number | undefined, start: (mediaPort: number) => Promise<T>): Promise<T> {
  if (requested !== undefined) return start(requested);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await findFreeSippMediaPort());
    } catch (error) {
      if (!(error instanceof SippFatalError) || error.exitCode !== 254 || attempt >= MEDIA_PORT_ATTEMPTS) throw error;
    }
  }
}

/** SIPp could not run at all: exit 255 (fatal, e.g. scenario error) or 254 (could not bind its ports). */
export class SippFatalError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly output: string,
    readonly workDir: string,
  ) {
    const reason = exitCode === 254 ? 'could not bind its SIP/media ports' : 'hit a fatal error';
    super(`SIPp ${reason} (exit ${exitCode ?? 'signal'}); files in ${workDir}:\n${output.trim()}`);
    this.name = 'SippFatalError';
  }
}

/**
 * The bundled pcaps carry fixed RTP timestamps, rising in this order. Asterisk takes an RFC 4733 event whose
 * timestamp is not newer than the last one for a retransmission and drops it, so a sequence that goes back
 * in this order (e.g. "472") silently loses digits. Real phones never do this; the pcaps do.
 */
export const PCAP_DTMF_ORDER = '1023456789*#';

function assertPcapTimestampsRise(digits: string): void {
  for (let i = 1; i < digits.length; i += 1) {
    if (PCAP_DTMF_ORDER.indexOf(digits[i]!) <= PCAP_DTMF_ORDER.indexOf(digits[i - 1]!)) {
      throw new Error(
        `DTMF "${digits}": "${digits[i]}" after "${digits[i - 1]}" would go back in RTP time and Asterisk would drop it; ` +
          `use digits in the order ${PCAP_DTMF_ORDER}, each at most once`,
      );
    }
  }
}

/**
 * Scenario XML for pressing `digits` (0-9, *, #): each digit is one RFC 2833
 * pcap played from SIPp's media port, followed by a pause. The pcap takes
 * ~140 ms and plays asynchronously, so the pause must exceed it or two
 * digits overlap into one event stream.
 */
export function dtmfSequenceXml(digits: string, interDigitMs = 600): string {
  assertPcapTimestampsRise(digits);
  return [...digits]
    .map((digit) => {
      const file = digit === '*' ? 'star' : digit === '#' ? 'pound' : /^[0-9]$/.test(digit) ? digit : null;
      if (file === null) throw new Error(`Cannot send DTMF "${digit}": only 0-9, * and # have pcaps`);
      return (
        `  <nop><action><exec play_pcap_audio="${SIPP_PCAP_DIR}/dtmf_2833_${file}.pcap"/></action></nop>\n` +
        `  <pause milliseconds="${interDigitMs}"/>`
      );
    })
    .join('\n');
}

/**
 * Scenario XML for pressing any digit sequence (repeats and any order allowed): one generated pcap with
 * rising RTP timestamps (dtmf-pcap.writer.ts), then a pause while it plays. Resolves the XML and how long
 * the digits take to send.
 */
export async function dtmfPcapXml(digits: string, spacingMs = 500): Promise<{ xml: string; durationMs: number }> {
  const file = path.join(os.tmpdir(), 'hotline-dtmf-pcaps', `${createHash('sha256').update(`${digits}/${spacingMs}`).digest('hex').slice(0, 16)}.pcap`);
  const durationMs = await writeDtmfPcap(file, digits, { spacingMs });
  return {
    xml: `  <nop><action><exec play_pcap_audio="${file}"/></action></nop>\n  <pause milliseconds="${durationMs + 300}"/>`,
    durationMs: durationMs + 300,
  };
}

/** Replaces {{NAME}} placeholders; an unknown or unused-but-required name is an error, not a silent blank. */
export function prepareScenario(text: string, variables: Readonly<Record<string, string | number>>): string {
  const missing = new Set<string>();
  const result = text.replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, name: string) => {
    if (!(name in variables)) {
      missing.add(name);
      return '';
    }
    return String(variables[name]);
  });
  if (missing.size > 0) throw new Error(`SIPp scenario needs variable(s) ${[...missing].join(', ')}`);
  return result;
}

/** SIPp's version line, e.g. "SIPp v3.6.1-SCTP-PCAP-RTPSTREAM." (-v exits 0 but prints to stdout). */
export async function sippVersion(sippBinary = 'sipp'): Promise<string> {
  const { stdout, stderr } = await spawnCollect(sippBinary, ['-v'], os.tmpdir());
  const line = `${stdout}\n${stderr}`.split('\n').find((l) => /SIPp v/.test(l));
  if (!line) throw new Error(`Unexpected output of ${sippBinary} -v: ${stdout}${stderr}`);
  return line.trim();
}

/** Parses SIPp's ';'-separated statistics file and returns its last data row by column name. */
export function parseStatFile(text: string): Record<string, string> {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const header = lines[0]?.split(';');
  const last = lines.length > 1 ? lines[lines.length - 1]?.split(';') : undefined;
  if (!header || !last) return {};
  const row: Record<string, string> = {};
  header.forEach((name, i) => {
    if (name) row[name] = last[i] ?? '';
  });
  return row;
}

function countersFrom(row: Readonly<Record<string, string>>): SippCounters {
  const n = (column: string) => Number(row[column] ?? 0) || 0;
  return {
    totalCallCreated: n('TotalCallCreated'),
    successfulCalls: n('SuccessfulCall(C)'),
    failedCalls: n('FailedCall(C)'),
    failedUnexpectedMessage: n('FailedUnexpectedMessage(C)'),
    failedCallRejected: n('FailedCallRejected(C)'),
    failedMaxUdpRetrans: n('FailedMaxUDPRetrans(C)'),
    failedCmdNotSent: n('FailedCmdNotSent(C)'),
    failedRegexpDoesntMatch: n('FailedRegexpDoesntMatch(C)'),
    failedOutboundCongestion: n('FailedOutboundCongestion(C)'),
    failedTimeoutOnRecv: n('FailedTimeoutOnRecv(C)'),
    failedTimeoutOnSend: n('FailedTimeoutOnSend(C)'),
    outOfCallMessages: n('OutOfCallMsgs(C)'),
    retransmissions: n('Retransmissions(C)'),
  };
}

function spawnCollect(command: string, args: readonly string[], cwd: string): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // SIPp redraws its screen on stdout; keep only the tail, it is for diagnostics.
    child.stdout.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-20_000)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

async function readIfExists(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}
