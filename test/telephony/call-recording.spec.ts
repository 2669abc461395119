/**
 * 全程录音 against the real Asterisk: MixMonitor started by the dialplan before Stasis() writes into a store
 * outside the chroot (a host temp folder bound into the instance); call-control measures and checksums the
 * file after hangup; a pause requested over the command interface (Redis) mutes it through AMI
 * MixMonitorMute and lands in the call's timeline with its reason.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { findFreePorts } from '@hotline/provisioning';
import { RtpListener } from '../support/sipp/rtp-listener';
import { runSipp, SIPP_SCENARIOS } from '../support/sipp/sipp.runner';
import { CallControlHarness, startCallControlHarness, waitFor } from '../support/call-control-harness';
import { analyseWav } from '../support/wav-analysis';

jest.setTimeout(5 * 60_000);

describe('call recording (real Asterisk, MixMonitor, SIPp with audio both ways)', () => {
  let h: CallControlHarness;

  beforeAll(async () => {
    h = await startCallControlHarness('recording', { rtpFrom: 34_000 });
  });

  afterAll(async () => {
    await h?.close();
  });

  const talk = async (caller: string, talkMs: number) => {
    const [sipPort, rtpPort] = (await findFreePorts(2)) as [number, number];
    const listener = await RtpListener.start({ port: rtpPort });
    try {
      return await runSipp({
        scenarioFile: SIPP_SCENARIOS.citizenTalk,
        variables: { PRE_DTMF_MS: talkMs, DTMF_SEQUENCE: '', POST_DTMF_MS: 1 },
        service: '12345',
        remoteHost: '127.0.0.1',
        remotePort: h.asterisk.sipPort,
        localPort: sipPort,
        keys: { caller, rtp_port: rtpPort },
        timeoutMs: 60_000,
      });
    } finally {
      await listener.close();
    }
  };

  it('records the whole call outside the Asterisk root, with duration, size and checksum in Postgres', async () => {
    const result = await talk('13800000001', 7_000);
    expect(result.counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });

    const { rows: [call] } = await h.db.query(`SELECT * FROM calls WHERE caller_number = '13800000001'`);
    await waitFor(async () => (await h.db.query(`SELECT 1 FROM recordings WHERE call_id = $1 AND status = 'finalised'`, [call.id])).rowCount === 1, 20_000, 'the recording to be finalised');
    const { rows: [recording] } = await h.db.query(`SELECT * FROM recordings WHERE call_id = $1`, [call.id]);
    const { rows: [ended] } = await h.db.query(`SELECT * FROM calls WHERE id = $1`, [call.id]);

    // The file is in the host folder given as the store, not under the chroot.
    const file = path.join(h.recordingsDir, recording.file_path);
    expect(file.startsWith(h.asterisk.chrootDir)).toBe(false);
    expect(recording.file_path).toMatch(new RegExp(`^\\d{8}/${ended.channel_id.replace(/\./g, '\\.')}\\.wav$`));
    const bytes = await fs.readFile(file);
    expect(Number(recording.size_bytes)).toBe(bytes.length);
    expect(recording.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));

    // Duration: answer to hangup, within a second, measured both by call-control and by reading the samples.
    const callMs = ended.ended_at.getTime() - ended.answered_at.getTime();
    const audio = await analyseWav(file);
    process.stderr.write(`[recording] call ${callMs} ms, recording ${recording.duration_ms} ms (samples: ${audio.durationMs} ms), rms ${audio.rms.toFixed(0)}\n`);
    expect(Math.abs(recording.duration_ms - callMs)).toBeLessThanOrEqual(1_000);
    expect(Math.abs(audio.durationMs - recording.duration_ms)).toBeLessThanOrEqual(20);
    // Not silence: the caller's speech and the welcome prompt are both in it.
    expect(audio.rms).toBeGreaterThan(500);
    expect(audio.windowRms.filter((rms) => rms > 300).length).toBeGreaterThan(audio.windowRms.length * 0.6);

    // The timeline is written behind the call (batched, within a flush interval of the event).
    const timeline = async () => (await h.db.query(`SELECT type, payload FROM call_events WHERE call_id = $1 ORDER BY sequence`, [call.id])).rows;
    await waitFor(async () => (await timeline()).at(-1)?.type === 'recording.finalised', 5_000, 'the recording.finalised event in the timeline');
    const events = await timeline();
    expect(events.at(-1)).toMatchObject({ type: 'recording.finalised', payload: { recordingId: recording.id, status: 'finalised', sha256: recording.sha256 } });
  });

  it('pauses and resumes the recording on command, with the reason in the timeline and silence in the file', async () => {
    const calling = talk('13800000002', 7_000);
    let callId = '';
    await waitFor(async () => {
      const { rows } = await h.db.query(`SELECT id FROM calls WHERE caller_number = '13800000002' AND status = 'answered'`);
      callId = rows[0]?.id ?? '';
      return callId !== '';
    }, 10_000, 'the call to be answered');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const paused = await h.commands.send('recording.pause', { callId, reason: '市民报银行卡号', requestedBy: 'agent-007' });
    expect(paused).toMatchObject({ ok: true, result: { paused: true } });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const resumed = await h.commands.send('recording.resume', { callId, reason: '卡号已记录', requestedBy: 'agent-007' });
    expect(resumed).toMatchObject({ ok: true, result: { paused: false } });
    expect((await calling).counters).toMatchObject({ successfulCalls: 1, failedCalls: 0 });

    await waitFor(async () => (await h.db.query(`SELECT 1 FROM recordings WHERE call_id = $1 AND status = 'finalised'`, [callId])).rowCount === 1, 20_000, 'the recording to be finalised');
    const { rows: events } = await h.db.query(`SELECT type, occurred_at, payload FROM call_events WHERE call_id = $1 ORDER BY sequence`, [callId]);
    const pause = events.find((event) => event.type === 'recording.paused');
    const resume = events.find((event) => event.type === 'recording.resumed');
    expect(pause.payload).toMatchObject({ reason: '市民报银行卡号', requestedBy: 'agent-007' });
    expect(resume.payload).toMatchObject({ reason: '卡号已记录', requestedBy: 'agent-007' });

    // The muted stretch is digital silence; the file still lasts the whole call.
    const { rows: [recording] } = await h.db.query(`SELECT * FROM recordings WHERE call_id = $1`, [callId]);
    const { rows: [call] } = await h.db.query(`SELECT answered_at FROM calls WHERE id = $1`, [callId]);
    const audio = await analyseWav(path.join(h.recordingsDir, recording.file_path), 250);
    const windowOf = (at: Date) => Math.floor((at.getTime() - call.answered_at.getTime()) / 250);
    const muted = audio.windowRms.slice(windowOf(pause.occurred_at) + 2, windowOf(resume.occurred_at) - 1);
    expect(muted.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...muted)).toBeLessThan(5);
    expect(audio.windowRms.slice(windowOf(resume.occurred_at) + 2).some((rms) => rms > 300)).toBe(true);
  });

  it('refuses to pause a call that is not in progress, naming the reason', async () => {
    const result = await h.commands.send('recording.pause', { callId: '00000000-0000-4000-8000-000000000000', reason: 'x', requestedBy: 'agent-007' });
    expect(result).toMatchObject({ ok: false, error: { code: 'CALL_NOT_ACTIVE', kind: 'not_found' } });
  });
});
