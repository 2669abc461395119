import { isIpOrCidr, validateStartOptions, type StartAsteriskInstanceOptions } from './asterisk-instance.options';
import { InvalidOptionsError } from './provisioning.errors';

const VALID: StartAsteriskInstanceOptions = {
  cacheDir: '/root/.cache/hotline12345',
  name: 'dev',
  sipPort: 5060,
  ariHttpPort: 8088,
  amiPort: 5038,
  rtpStart: 20000,
  rtpEnd: 20999,
  hotlineNumber: '12345',
  ariApp: 'hotline',
  carrierAddresses: ['127.0.0.1'],
};

function issuesOf(options: StartAsteriskInstanceOptions): readonly string[] {
  try {
    validateStartOptions(options);
  } catch (error) {
    if (error instanceof InvalidOptionsError) return error.issues;
    throw error;
  }
  return [];
}

describe('validateStartOptions', () => {
  it('accepts valid options', () => {
    expect(() => validateStartOptions(VALID)).not.toThrow();
  });

  it('reports every problem at once, by option name', () => {
    const issues = issuesOf({ ...VALID, cacheDir: 'relative', name: 'Bad Name', hotlineNumber: '12a', carrierAddresses: [] });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cacheDir: /),
        expect.stringMatching(/^name: /),
        expect.stringMatching(/^hotlineNumber: /),
        expect.stringMatching(/^carrierAddresses: /),
      ]),
    );
  });

  it('rejects duplicate ports and ports inside the RTP range', () => {
    expect(issuesOf({ ...VALID, amiPort: 5060 })).toContainEqual('amiPort: must differ from sipPort (5060)');
    expect(issuesOf({ ...VALID, ariHttpPort: 20010 })).toContainEqual('ariHttpPort: 20010 lies inside the RTP range 20000-20999');
    expect(issuesOf({ ...VALID, rtpEnd: 20000 })).toEqual([expect.stringMatching(/^rtpEnd: must be above rtpStart/)]);
  });

  it('rejects privileged and out-of-range ports', () => {
    expect(issuesOf({ ...VALID, sipPort: 80 })).toEqual([expect.stringMatching(/^sipPort: must be ≥ 1024/)]);
    expect(issuesOf({ ...VALID, sipPort: 70000 })).toHaveLength(1);
  });

  it('rejects carrier host names (they would need DNS) and accepts CIDRs', () => {
    expect(issuesOf({ ...VALID, carrierAddresses: ['sbc.carrier.example'] })).toEqual([expect.stringMatching(/^carrierAddresses\.0: /)]);
    expect(issuesOf({ ...VALID, carrierAddresses: ['10.1.0.0/16', '2001:db8::/32'] })).toEqual([]);
  });

  it('rejects names and apps that could break out of the config syntax', () => {
    expect(issuesOf({ ...VALID, ariApp: 'hotline)\nexten' })).toHaveLength(1);
    expect(issuesOf({ ...VALID, name: '../etc' })).toHaveLength(1);
  });
});

describe('isIpOrCidr', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.0.0.0/8', true],
    ['10.0.0.0/33', false],
    ['::1', true],
    ['fe80::/10', true],
    ['fe80::/129', false],
    ['1.2.3.4/8/1', false],
    ['example.com', false],
    ['1.2.3.4/x', false],
  ])('%s -> %s', (value, expected) => {
    expect(isIpOrCidr(value)).toBe(expected);
  });
});
