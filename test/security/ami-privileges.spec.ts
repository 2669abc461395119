/**
 * The AMI login call-control uses is least-privilege as far as the template allows (asterisk/templates/
 * manager.conf: read = call,dtmf,agent,user,system; write = call,system). Loopback binding, generated
 * secrets and wrong-secret refusal are proven in test/telephony/asterisk-instance.spec.ts; this file
 * proves what the login cannot do (CLI commands, config writes, originate, path traversal) and records,
 * from the live Asterisk's own privilege table, what "system" still unlocks (the MixMonitor trade-off).
 */
import { type AsteriskInstance } from '@hotline/provisioning';
import { startTestAsterisk } from '../support/asterisk-test-instance';
import { AmiSession } from '../support/security-ami-session';

jest.setTimeout(120_000);

const DENIED = /Response: Error[\s\S]*Message: Permission denied/;

describe('AMI least privilege (real Asterisk)', () => {
  let asterisk: AsteriskInstance;
  let ami: AmiSession;

  beforeAll(async () => {
    asterisk = await startTestAsterisk('ami-privileges', 'hotline', 38_000);
    ami = await AmiSession.open(asterisk.amiHost, asterisk.amiPort, asterisk.amiUsername, asterisk.amiPassword);
  });

  afterAll(async () => {
    await ami?.close();
    await asterisk?.stop();
  });

  it('cannot run CLI commands, write configuration, originate, or load dialplan', async () => {
    const refused: Record<string, Record<string, string | string[]>> = {
      // Arbitrary CLI, including the shell escape of the CLI.
      Command: { Action: 'Command', Command: 'core show version' },
      // CVE-2024-42365 class: rewriting a config file (here, adding a dialplan that dials out).
      UpdateConfig: {
        Action: 'UpdateConfig',
        SrcFilename: 'extensions.conf',
        DstFilename: 'extensions.conf',
        'Action-000000': 'NewCat',
        'Cat-000000': 'pwned',
      },
      CreateConfig: { Action: 'CreateConfig', Filename: 'pwned.conf' },
      // Toll fraud: an outbound call to an international number through the carrier's context.
      Originate: { Action: 'Originate', Channel: 'Local/0085212345678@from-carrier', Application: 'Playback', Data: 'beep', Async: 'true' },
      OriginateSystem: { Action: 'Originate', Channel: 'Local/110@from-carrier', Application: 'System', Data: 'touch /tmp/pwned', Async: 'true' },
    };
    const answers: Record<string, string> = {};
    for (const [name, action] of Object.entries(refused)) answers[name] = await ami.send(action);
    for (const [name, answer] of Object.entries(answers)) expect({ name, answer }).toEqual({ name, answer: expect.stringMatching(DENIED) });
    // Nothing was created or dialled.
    expect(await asterisk.rx('core show channels count')).toMatch(/0 active channels/);
    expect(await asterisk.rx('dialplan show pwned')).not.toMatch(/\[ Context 'pwned'/);
  });

  it('KNOWN TRADE-OFF: can add dialplan, because DialplanExtensionAdd needs only "system"', async () => {
    // Anyone holding this login can put e.g. System(...) or Dial(...) where inbound calls land: it is as
    // powerful as the ARI login. Proven here so the note's claim is a fact; see the privileges test below.
    const added = await ami.send({ Action: 'DialplanExtensionAdd', Context: 'security-probe', Extension: '999', Priority: '1', Application: 'NoOp', ApplicationData: 'probe' });
    expect(added).toMatch(/Response: Success/);
    expect(await ami.send({ Action: 'DialplanExtensionRemove', Context: 'security-probe', Extension: '999' })).toMatch(/Response: Success/);
  });

  it('cannot read files outside Asterisk\'s configuration through GetConfig (CVE-2023-49294 class)', async () => {
    for (const filename of ['../../../../../../etc/passwd', '/etc/passwd', '../../../etc/shadow']) {
      const answer = await ami.send({ Action: 'GetConfig', Filename: filename });
      expect({ filename, answer }).toEqual({ filename, answer: expect.stringMatching(/Response: Error/) });
      expect(answer).not.toMatch(/root:/);
    }
  });

  it('holds only the write classes the template grants; what "system" also unlocks is the documented trade-off', async () => {
    // The live privilege table (not the docs): which class each action needs on this Asterisk.
    // "manager show command X" has a [Privilege] section (colours stripped).
    const needed: Record<string, string> = {};
    for (const action of ['Hangup', 'Redirect', 'Setvar', 'MixMonitorMute', 'StopMixMonitor', 'Reload', 'DBPut', 'DBDel', 'MixMonitor', 'GetConfig', 'ModuleLoad', 'DialplanExtensionAdd', 'Command', 'UpdateConfig', 'Originate']) {
      const help = (await asterisk.rx(`manager show command ${action}`)).replace(/\x1b\[[0-9;]*m/g, '');
      needed[action] = /\[Privilege\]\s*\n\s*(\S+)/.exec(help)?.[1] ?? '';
      expect({ action, privilege: needed[action] }).toEqual({ action, privilege: expect.stringMatching(/^[a-z,]+$/) });
    }
    process.stderr.write(`[ami] privileges: ${JSON.stringify(needed)}\n`);
    const granted = ['call', 'system'];
    const allowed = (action: string) => needed[action]!.split(',').some((cls) => granted.includes(cls));
    // What call-control needs (manager.conf's comment) is allowed...
    for (const action of ['Hangup', 'Redirect', 'Setvar', 'MixMonitorMute', 'StopMixMonitor', 'Reload', 'DBPut', 'DBDel']) expect({ action, allowed: allowed(action) }).toEqual({ action, allowed: true });
    // ...the dangerous ones are not...
    for (const action of ['Command', 'UpdateConfig', 'Originate']) expect({ action, allowed: allowed(action) }).toEqual({ action, allowed: false });
    // ...and these come with "system", which Reload and DBPut/DBDel need: MixMonitor can run a shell
    // command when the recording ends, GetConfig reads any file under Asterisk's config dir (ari.conf,
    // manager.conf: the secrets), DialplanExtensionAdd writes dialplan. Whoever holds this login holds
    // Asterisk. Kept because the login never leaves loopback and call-control validates every command it
    // turns into an action (issue 9 note: how to drop "system").
    for (const action of ['MixMonitor', 'GetConfig', 'ModuleLoad', 'DialplanExtensionAdd']) expect({ action, allowed: allowed(action) }).toEqual({ action, allowed: true });
    const ariConf = await ami.send({ Action: 'GetConfig', Filename: 'ari.conf' });
    expect(ariConf).toMatch(/Response: Success/);
  });
});
