import { outboundEndpoint } from './dial-string';
import { TransferNumberNotDialableError } from './transfer.errors';

describe('outboundEndpoint', () => {
  const template = 'PJSIP/carrier/sip:{number}@10.0.0.5';

  it('puts an allow-listed number in the carrier template', () => {
    expect(outboundEndpoint(template, '110')).toBe('PJSIP/carrier/sip:110@10.0.0.5');
    expect(outboundEndpoint(template, '021123456789012')).toBe('PJSIP/carrier/sip:021123456789012@10.0.0.5');
  });

  it.each(['110&PJSIP/evil', '110,xyz', '110)', '110(', '11', '1234567890123456', '１１０', '110 ', '110\n', '', '11a0', '+110', '110;x=1'])(
    'refuses %j before anything is dialled',
    (number) => {
      expect(() => outboundEndpoint(template, number)).toThrow(TransferNumberNotDialableError);
    },
  );
});
