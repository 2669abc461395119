import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CallRecordNotWrittenError } from './call-record.errors';
import { CallTimelineWriter, WrittenUrgency } from './call-timeline.writer';

export interface NewCall {
  channelId: string;
  direction: 'inbound' | 'outbound';
  callerNumber: string | null;
  dialedNumber: string;
  startedAt: Date;
  /** The line (DNIS) and its skill, known from the start for inbound calls. */
  lineNumber?: string | null;
  skill?: string | null;
}

/** Any UUID namespace works as long as it never changes: call ids derived from channel ids depend on it. */
const CALL_ID_NAMESPACE = Buffer.from('6f1c6f4e0b5a4d8f9a3e2c1d0b9a8f7e', 'hex');

/**
 * A call's id, derived from its channel id (UUID v5): known without asking Postgres, and the same when a
 * restarted process re-adopts the channel, so the timeline can be written behind the call.
 */
export function callIdOf(channelId: string): string {
  const hash = createHash('sha1').update(CALL_ID_NAMESPACE).update(channelId).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Postgres is the record of every call and its timeline. Writes go through the CallTimelineWriter (batched,
 * buffered durably in Redis, never awaited on Postgres by the call path); the few reads are for restarts and
 * commands, not for call handling. The write methods keep their Promise signatures for their callers but
 * resolve at once.
 */
@Injectable()
export class CallLogRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly timeline: CallTimelineWriter,
  ) {}

  /** Opens the record of a call under the id derived from its channel; idempotent (a re-adoption writes nothing new). */
  openCall(call: NewCall, callId = callIdOf(call.channelId)): string {
    this.timeline.write({
      op: 'call',
      callId,
      channelId: call.channelId,
      direction: call.direction,
      callerNumber: call.callerNumber,
      dialedNumber: call.dialedNumber,
      startedAt: call.startedAt.toISOString(),
      lineNumber: call.lineNumber ?? null,
      skill: call.skill ?? null,
    });
    return callId;
  }

  /**
   * The row of the call's recording (MixMonitor, started in the dialplan) or of a message the caller left, written
   * in the flush that writes the call's row rather than as a statement of its own, and kept in Redis with the rest
   * of the timeline until it is; idempotent by its file (a re-adopted call registers again).
   */
  registerRecording(callId: string, channelId: string, filePath: string, startedAt: Date, kind: 'call' | 'message' = 'call'): void {
    this.timeline.write({ op: 'recording', callId, kind, channelId, filePath, startedAt: startedAt.toISOString() });
  }

  /**
   * Resolves when everything written so far for the call is in Postgres: work that follows the call's end
   * (finalising the recording) waits for this. 'soon' (the default: a person waits) fails with
   * CallRecordNotWrittenError after CALL_RECORD_WAIT_MS; 'eventually' (off anyone's path) waits as long as
   * Postgres is out. Rows that reference the call's row go through afterCallRow or afterCallRowEvenIfLate.
   */
  written(callId: string, urgency: WrittenUrgency = 'soon'): Promise<void> {
    return this.timeline.callWritten(callId, urgency);
  }

  /**
   * Writes a row that references the call's row (an audit row, a callback, a voice message, a draft) once the
   * call's row is in Postgres, which is written behind the call. With 'soon' a person waits: bounded, it
   * fails with CallRecordNotWrittenError while Postgres is out (see written).
   */
  async afterCallRow<T>(callId: string, write: () => Promise<T>, urgency: WrittenUrgency = 'soon'): Promise<T> {
    await this.timeline.callWritten(callId, urgency);
    return write();
  }

  /**
   * For a row nobody waits on that must not be lost (a transfer's trail, a callback promised to a citizen):
   * hurried like 'soon', but when the call's row is late (Postgres out) `late` hears of it - to log it - and
   * the write waits on until the row is in, so it is written once Postgres is back instead of dropped.
   */
  async afterCallRowEvenIfLate<T>(callId: string, write: () => Promise<T>, late: (error: CallRecordNotWrittenError) => void): Promise<T> {
    try {
      await this.timeline.callWritten(callId, 'soon');
    } catch (error) {
      if (!(error instanceof CallRecordNotWrittenError)) throw error;
      late(error);
      await this.timeline.callWritten(callId, 'eventually');
    }
    return write();
  }

  async findById(callId: string): Promise<{ id: string; status: string; channelId: string } | null> {
    const rows: Array<{ id: string; status: string; channel_id: string }> = await this.dataSource.query(
      `SELECT id, status, channel_id FROM calls WHERE id = $1`,
      [callId],
    );
    return rows[0] ? { id: rows[0].id, status: rows[0].status, channelId: rows[0].channel_id } : null;
  }

  /** Appends to the timeline; the sequence is given when the batch is written, in the order of appending. */
  appendEvent(callId: string, type: string, occurredAt: Date, payload: Record<string, unknown>): Promise<void> {
    this.event(callId, type, occurredAt, payload);
    return Promise.resolve();
  }

  setTag(callId: string, key: string, value: string): Promise<void> {
    this.timeline.write({ op: 'update', callId, tags: { [key]: value } });
    return Promise.resolve();
  }

  /** The line (DNIS) the call came in on and the skill it is routed to. */
  setRouting(callId: string, lineNumber: string, skill: string): Promise<void> {
    this.timeline.write({ op: 'update', callId, routing: { lineNumber, skill } });
    return Promise.resolve();
  }

  answeredWithEvent(callId: string, answeredAt: Date, payload: Record<string, unknown>): Promise<void> {
    this.timeline.write({ op: 'update', callId, answeredAt: answeredAt.toISOString() });
    this.event(callId, 'call.answered', answeredAt, payload);
    return Promise.resolve();
  }

  /** The end and its timeline event; a call already ended keeps its first end. */
  endedWithEvent(callId: string, endedAt: Date, cause: number | null, causeText: string | null, payload: Record<string, unknown>): Promise<void> {
    this.timeline.write({ op: 'update', callId, ended: { endedAt: endedAt.toISOString(), hangupCause: cause, hangupCauseText: causeText } });
    this.event(callId, 'call.ended', endedAt, payload);
    return Promise.resolve();
  }

  /** Waits (bounded) until everything buffered is in Postgres; false when it is not, e.g. Postgres is down. */
  flushed(timeoutMs = 5_000): Promise<boolean> {
    return this.timeline.drain(timeoutMs);
  }

  /** Calls left open by a process that died or by an Asterisk that restarted (read at reconnect, not per call). */
  async listOpenCalls(): Promise<Array<{ id: string; channelId: string; startedAt: Date }>> {
    // Anything still buffered is written first, so a call that ended during a Postgres outage is not reopened.
    await this.flushed();
    const rows: Array<{ id: string; channel_id: string; started_at: Date }> = await this.dataSource.query(
      `SELECT id, channel_id, started_at FROM calls WHERE status <> 'ended'`,
    );
    return rows.map((row) => ({ id: row.id, channelId: row.channel_id, startedAt: row.started_at }));
  }

  private event(callId: string, type: string, occurredAt: Date, payload: Record<string, unknown>): void {
    this.timeline.write({ op: 'event', eventId: randomUUID(), callId, type, occurredAt: occurredAt.toISOString(), payload });
  }
}
