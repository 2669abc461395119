import type { HotlineCommandType } from '@hotline/realtime';
import type { CallControlHarness } from './call-control-harness';
import { CallControlChild, startCallControlChild } from './call-control-child';
import { waitFor } from './wait-for';

/** call-control in processes of its own, one after the other, for tests that kill it (SIGKILL) mid-call. */
export class CallControlProcesses {
  private readonly all: CallControlChild[] = [];

  constructor(private readonly h: CallControlHarness) {}

  async start(): Promise<void> {
    this.all.push(await startCallControlChild(this.h.config, `call-control#${this.all.length + 1}`));
  }

  /** Kill -9 the running process (no shutdown hooks, as in a crash) and start the next; it re-adopts on connect. */
  async crashAndRestart(): Promise<void> {
    await this.all.at(-1)?.kill();
    await this.start();
  }

  async stopAll(): Promise<void> {
    for (const child of this.all) await child.stop();
  }
}

/** A command to call-control; a refusal becomes an error with its code. */
export async function sendCommand(h: CallControlHarness, type: HotlineCommandType, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await h.commands.send(type, { requestedBy: 'test', ...payload } as never);
  if (!result.ok) throw new Error(`${type} refused: ${result.error.code} ${result.error.message}`);
  return result.result;
}

/**
 * The same, retried until a process holds the call again after a restart: a command about a call nobody
 * holds gets no answer, and `retryOn` names refusals that only mean "not re-adopted yet".
 */
export async function sendCommandOnceHeld(h: CallControlHarness, type: HotlineCommandType, payload: Record<string, unknown>, retryOn = /did not answer/i): Promise<Record<string, unknown>> {
  let result: Record<string, unknown> | undefined;
  await waitFor(async () => {
    try {
      result = await sendCommand(h, type, payload);
      return true;
    } catch (error) {
      if (!retryOn.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
      return false;
    }
  }, 30_000, `${type} to be answered by the new process`);
  return result!;
}

/** The channels in one of Asterisk's bridges (none when it does not exist), read over ARI. */
export async function bridgeChannels(h: CallControlHarness, bridgeId: string): Promise<string[]> {
  const response = await fetch(`${h.asterisk.ariUrl}/ari/bridges/${encodeURIComponent(bridgeId)}`, {
    headers: { authorization: `Basic ${Buffer.from(`${h.asterisk.ariUsername}:${h.asterisk.ariPassword}`).toString('base64')}` },
  });
  return response.status === 200 ? (((await response.json()) as { channels?: string[] }).channels ?? []) : [];
}

/**
 * For afterAll: waits until every recording is finalised (closing under one only logs noise), then runs each
 * clean-up in order, whether that wait succeeded or not, so a failed test leaves no Asterisk, call-control
 * or SIPp running for the suites after it.
 */
export async function closeAfterRecordings(h: CallControlHarness | undefined, ...cleanups: Array<() => Promise<unknown> | undefined>): Promise<void> {
  try {
    if (h) await waitFor(async () => (await h.db.query(`SELECT 1 FROM recordings WHERE status = 'recording'`)).rowCount === 0, 30_000, 'every recording to be finalised');
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}
