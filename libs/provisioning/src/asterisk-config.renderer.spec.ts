import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findDefaultTemplatesDir, renderAsteriskConfig } from './asterisk-config.renderer';
import { TemplateRenderError } from './provisioning.errors';

/** Everything the repo's asterisk/templates use, as startAsteriskInstance passes it. */
const VARIABLES = {
  INSTANCE_NAME: 'unit',
  INSTANCE_DIR: '/var/lib/hotline/instances/unit',
  SIP_PORT: 5060,
  SIP_BIND_ADDRESS: '127.0.0.1',
  SIP_MEDIA_ADDRESS: '127.0.0.1',
  ASTERISK_MODULE_DIR: '/usr/lib/x86_64-linux-gnu/asterisk/modules',
  ARI_HTTP_PORT: 8088,
  AMI_PORT: 5038,
  RTP_START: 20000,
  RTP_END: 20099,
  HOTLINE_NUMBER: '12345',
  ARI_APP: 'hotline',
  CARRIER_MATCH: '127.0.0.1,10.0.0.0/8',
  ARI_USERNAME: 'hotline',
  ARI_PASSWORD: 'a'.repeat(32),
  AMI_USERNAME: 'hotline',
  AMI_SECRET: 'b'.repeat(32),
};

describe('renderAsteriskConfig (repo templates)', () => {
  let out: string;
  let templatesDir: string;

  beforeEach(async () => {
    out = await fs.mkdtemp(path.join(os.tmpdir(), 'ast-conf-'));
    templatesDir = await findDefaultTemplatesDir();
  });
  afterEach(() => fs.rm(out, { recursive: true, force: true }));

  it('renders every template with the variables the runner supplies', async () => {
    const written = await renderAsteriskConfig({ templatesDir, outputDir: out, variables: VARIABLES });
    expect(written).toEqual(expect.arrayContaining(['asterisk.conf', 'pjsip.conf', 'extensions.conf', 'manager.conf', 'ari.conf']));

    const pjsip = await fs.readFile(path.join(out, 'pjsip.conf'), 'utf8');
    expect(pjsip).toContain('bind = 127.0.0.1:5060');
    expect(pjsip).toContain('match = 127.0.0.1,10.0.0.0/8');
    const extensions = await fs.readFile(path.join(out, 'extensions.conf'), 'utf8');
    expect(extensions).toContain('exten => 12345,1,');
    expect(extensions).toContain('Stasis(hotline,inbound,${EXTEN},${HOTLINE_RECORDING})');
    // 全程录音: the recording starts in the dialplan, before the call reaches call-control.
    expect(extensions.indexOf('MixMonitor(')).toBeLessThan(extensions.indexOf('Stasis(hotline,inbound'));
    expect(extensions).toContain('/var/lib/hotline/instances/unit/recordings/');
    const asterisk = await fs.readFile(path.join(out, 'asterisk.conf'), 'utf8');
    expect(asterisk).toContain('astrundir => /var/lib/hotline/instances/unit/run');
    for (const file of written) expect(await fs.readFile(path.join(out, file), 'utf8')).not.toMatch(/\{\{/);
  });

  it('keeps credentials readable by their owner only', async () => {
    await renderAsteriskConfig({ templatesDir, outputDir: out, variables: VARIABLES });
    expect((await fs.stat(path.join(out, 'ari.conf'))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(out, 'manager.conf'))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(out, 'pjsip.conf'))).mode & 0o777).toBe(0o644);
  });

  it('fails on a missing variable, naming it and the template, and writes nothing', async () => {
    const { AMI_SECRET: _omitted, ...incomplete } = VARIABLES;
    await expect(renderAsteriskConfig({ templatesDir, outputDir: out, variables: incomplete })).rejects.toThrow(
      'Template manager.conf uses variable(s) with no value: {{AMI_SECRET}}',
    );
    expect(await fs.readdir(out)).toEqual([]);
  });

  it('fails on a variable no template uses (a misspelt placeholder)', async () => {
    await expect(
      renderAsteriskConfig({ templatesDir, outputDir: out, variables: { ...VARIABLES, SIP_PROT: 1 } }),
    ).rejects.toThrow(TemplateRenderError);
  });

  it('removes config files left from an older template set', async () => {
    await fs.writeFile(path.join(out, 'sip.conf'), 'old');
    await renderAsteriskConfig({ templatesDir, outputDir: out, variables: VARIABLES });
    await expect(fs.access(path.join(out, 'sip.conf'))).rejects.toThrow();
  });
});
