import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppConfig } from '@hotline/config';
import { AmiGateway } from '@hotline/telephony';
import { AcdConfigRepository, SeatRecord } from './acd-config.repository';
import { AgentSeatProvisioner, renderSeatsConfig, SEATS_CONFIG_FILE } from './agent-seat.provisioner';

const SEATS: SeatRecord[] = [
  { id: 'seat-1', name: '一号席', contactUri: 'sip:seat-1@10.0.0.8:5060', md5Credential: null, active: true },
  { id: 'seat-2', name: '二号席; 软电话', contactUri: null, md5Credential: 'a'.repeat(32), active: true },
  { id: 'seat-3', name: 'retired', contactUri: 'sip:seat-3@10.0.0.9', md5Credential: null, active: false },
];

describe('agent seats as PJSIP config', () => {
  it('renders one endpoint per active seat on the seat-defaults template: fixed phones by contact, softphones by registration', () => {
    const text = renderSeatsConfig(SEATS);
    expect(text).toContain('[seat-1](seat-defaults)\naors = seat-1\n\n[seat-1]\ntype = aor\ncontact = sip:seat-1@10.0.0.8:5060');
    expect(text).toContain('[seat-2](seat-defaults)\naors = seat-2\nauth = seat-2-auth');
    expect(text).toContain(`[seat-2-auth]\ntype = auth\nauth_type = md5\nusername = seat-2\nrealm = asterisk\nmd5_cred = ${'a'.repeat(32)}`);
    // A name cannot inject config lines or comments.
    expect(text).toContain('; 二号席  软电话\n');
    expect(text).not.toContain('seat-3');
  });

  it('writes the file and reloads PJSIP only when the seats changed (or on a new AMI login)', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'seats-'));
    const ami = { isConnected: () => true, onConnected: jest.fn(), action: jest.fn(async () => ({ response: 'Success' })) };
    const provisioner = new AgentSeatProvisioner({ seats: async () => SEATS } as unknown as AcdConfigRepository, ami as unknown as AmiGateway, { ASTERISK_GENERATED_CONFIG_DIR: dir } as AppConfig);
    try {
      expect(await provisioner.sync()).toBe(true);
      expect(await fs.readFile(path.join(dir, SEATS_CONFIG_FILE), 'utf8')).toBe(renderSeatsConfig(SEATS));
      expect(ami.action).toHaveBeenCalledWith({ action: 'Reload', module: 'res_pjsip.so' });
      expect(await provisioner.sync()).toBe(false);
      expect(await provisioner.sync(true)).toBe(true);
      expect(ami.action).toHaveBeenCalledTimes(2);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
