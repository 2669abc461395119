import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { AmiHealthProbe } from './ami-health.probe';

interface FakeAmi {
  port: number;
  server: Server;
  /** Every action the probe sent, parsed. */
  actions: Record<string, string>[];
}

/** A stand-in for Asterisk's manager interface: banner, then one answer per action. */
async function fakeAmi(options: { banner?: string; acceptSecret?: string; silent?: boolean } = {}): Promise<FakeAmi> {
  const actions: Record<string, string>[] = [];
  const server = createServer((socket: Socket) => {
    if (options.silent) return;
    socket.write(`${options.banner ?? 'Asterisk Call Manager/9.0.0'}\r\n`);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const action = Object.fromEntries(
          buffer
            .slice(0, end)
            .split('\r\n')
            .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
        );
        buffer = buffer.slice(end + 4);
        actions.push(action);
        if (action.Action === 'Login') {
          const ok = action.Secret === (options.acceptSecret ?? 'another-long-secret');
          socket.write(
            ok
              ? `Response: Success\r\nActionID: ${action.ActionID}\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\nStatus: Fully Booted\r\n\r\n`
              : `Response: Error\r\nActionID: ${action.ActionID}\r\nMessage: Authentication failed\r\n\r\n`,
          );
          if (!ok) socket.end();
        } else if (action.Action === 'Logoff') {
          socket.end('Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n\r\n');
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, actions, port: (server.address() as AddressInfo).port };
}

async function closed(server: Server): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
}

describe('AmiHealthProbe', () => {
  const credentials = { host: '127.0.0.1', username: 'hotline', secret: 'another-long-secret' };
  let fake: FakeAmi | undefined;

  afterEach(async () => {
    if (fake) await closed(fake.server);
    fake = undefined;
  });

  it('logs in, logs off politely and reports the protocol version', async () => {
    fake = await fakeAmi();

    const result = await new AmiHealthProbe({ ...credentials, port: fake.port }).check();

    expect(result).toMatchObject({ up: true, version: '9.0.0' });
    expect(fake.actions.map((action) => action.Action)).toEqual(['Login', 'Logoff']);
    expect(fake.actions[0]).toMatchObject({ Username: 'hotline', Secret: 'another-long-secret', Events: 'off' });
  });

  it('is down with Asterisk’s message when the login is refused', async () => {
    fake = await fakeAmi({ acceptSecret: 'something-else-entirely' });

    const result = await new AmiHealthProbe({ ...credentials, port: fake.port }).check();

    expect(result).toMatchObject({ up: false, reason: 'login refused: Authentication failed' });
  });

  it('is down when the port speaks something other than AMI', async () => {
    fake = await fakeAmi({ banner: 'SSH-2.0-OpenSSH_9.2' });

    const result = await new AmiHealthProbe({ ...credentials, port: fake.port }).check();

    expect(result).toMatchObject({ up: false, reason: expect.stringContaining('not an AMI server') });
  });

  it('is down, not hanging, when the server accepts but never greets', async () => {
    fake = await fakeAmi({ silent: true });

    const result = await new AmiHealthProbe({ ...credentials, port: fake.port, timeoutMs: 150 }).check();

    expect(result).toMatchObject({ up: false, reason: 'no answer within 150 ms' });
  });

  it('is down with the network error when nothing listens', async () => {
    const gone = await fakeAmi();
    await closed(gone.server);

    const result = await new AmiHealthProbe({ ...credentials, port: gone.port }).check();

    expect(result).toMatchObject({ up: false, reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('refuses credentials that would inject AMI headers', async () => {
    const result = await new AmiHealthProbe({ ...credentials, port: 1, secret: 'x\r\nAction: Originate' }).check();

    expect(result).toMatchObject({ up: false, reason: 'AMI credentials contain a line break' });
  });
});
