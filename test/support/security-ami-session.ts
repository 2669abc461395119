import * as net from 'node:net';

/**
 * A bare AMI session over TCP: log in, send actions, read each response by ActionID. Bare on purpose: the
 * security tests want Asterisk's exact answers (Permission denied, Error), not a client library's reading.
 */
export class AmiSession {
  private buffer = '';
  private readonly waiting = new Map<string, (response: string) => void>();
  private sequence = 0;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let end = this.buffer.indexOf('\r\n\r\n'); end >= 0; end = this.buffer.indexOf('\r\n\r\n')) {
        const message = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 4);
        const id = /^ActionID: (.*)$/m.exec(message)?.[1]?.trim();
        // Events (no ActionID of ours) are not what these tests look at.
        if (id && /^Response:/m.test(message)) this.waiting.get(id)?.(message);
      }
    });
  }

  static async open(host: string, port: number, username: string, secret: string): Promise<AmiSession> {
    const socket = net.connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('data', () => resolve());
    });
    const session = new AmiSession(socket);
    session.buffer = '';
    const login = await session.send({ Action: 'Login', Username: username, Secret: secret, Events: 'off' });
    if (!/Response: Success/.test(login)) throw new Error(`AMI login refused: ${login}`);
    return session;
  }

  send(fields: Record<string, string | string[]>, timeoutMs = 10_000): Promise<string> {
    const id = `sec-${++this.sequence}`;
    const lines = Object.entries(fields).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${key}: ${v}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`AMI: no response to ${fields.Action} in ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set(id, (response) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(response);
      });
      this.socket.write(`${lines.join('\r\n')}\r\nActionID: ${id}\r\n\r\n`);
    });
  }

  async close(): Promise<void> {
    this.socket.end('Action: Logoff\r\n\r\n');
    await new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
  }
}
