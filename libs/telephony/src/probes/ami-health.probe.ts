import { randomUUID } from 'node:crypto';
import { Socket, connect } from 'node:net';
import { describeProbeFailure, HealthProbeResult } from './health-probe.result';

export interface AmiHealthProbeOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  timeoutMs?: number;
}

const BANNER = /^Asterisk Call Manager\/(\S+)/;

type AmiMessage = Record<string, string>;

function parseMessage(block: string): AmiMessage {
  const message: AmiMessage = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) message[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return message;
}

/**
 * Logs in to AMI and straight out again. A bare TCP connect is not enough: AMI accepts connections long
 * before it accepts these credentials, and a wrong secret or `permit=` line is the usual failure.
 * Speaks the protocol directly (banner line, then blank-line separated messages) so a probe holds no
 * long-lived manager connection.
 */
export class AmiHealthProbe {
  private readonly timeoutMs: number;

  constructor(private readonly options: AmiHealthProbeOptions) {
    this.timeoutMs = options.timeoutMs ?? 1_500;
  }

  check(): Promise<HealthProbeResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const { host, port, username, secret } = this.options;
    if (/[\r\n]/.test(username + secret)) {
      return Promise.resolve({ up: false, latencyMs: 0, reason: 'AMI credentials contain a line break' });
    }

    return new Promise<HealthProbeResult>((resolve) => {
      const loginId = `health-${randomUUID()}`;
      let socket: Socket | undefined;
      let buffer = '';
      let protocolVersion: string | undefined;
      let loggedIn = false;
      let settled = false;

      const finish = (result: HealthProbeResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket?.destroy();
        resolve(result);
      };
      const up = () => finish({ up: true, latencyMs: elapsed(), ...(protocolVersion ? { version: protocolVersion } : {}) });
      const down = (reason: string) => finish({ up: false, latencyMs: elapsed(), reason });

      // After a successful login the answer is already known; waiting for Goodbye only keeps Asterisk's log tidy.
      const timer = setTimeout(() => (loggedIn ? up() : down(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);

      const onMessage = (message: AmiMessage) => {
        if (!loggedIn && message.actionid === loginId) {
          if (message.response?.toLowerCase() !== 'success') {
            down(`login refused: ${message.message ?? message.response ?? 'no reason given'}`);
            return;
          }
          loggedIn = true;
          socket?.write('Action: Logoff\r\n\r\n');
          return;
        }
        if (loggedIn && message.response?.toLowerCase() === 'goodbye') up();
      };

      socket = connect({ host, port });
      socket.setEncoding('utf8');
      socket.on('error', (error) => down(describeProbeFailure(error)));
      socket.on('close', () => (loggedIn ? up() : down('connection closed before login completed')));
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        if (protocolVersion === undefined) {
          const end = buffer.indexOf('\r\n');
          if (end < 0) return;
          const banner = BANNER.exec(buffer.slice(0, end));
          if (!banner) {
            down(`not an AMI server (greeting: ${JSON.stringify(buffer.slice(0, Math.min(end, 60)))})`);
            return;
          }
          protocolVersion = banner[1];
          buffer = buffer.slice(end + 2);
          socket?.write(
            `Action: Login\r\nActionID: ${loginId}\r\nUsername: ${username}\r\nSecret: ${secret}\r\nEvents: off\r\n\r\n`,
          );
        }
        let boundary: number;
        while ((boundary = buffer.indexOf('\r\n\r\n')) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 4);
          onMessage(parseMessage(block));
          if (settled) return;
        }
      });
    });
  }
}
