import { parseDeliveryReceipt } from './delivery-receipt.parser';

describe('parseDeliveryReceipt', () => {
  it('reads the message id, state and error of a standard receipt', () => {
    expect(parseDeliveryReceipt('id:a1b2 sub:001 dlvrd:001 submit date:2611231010 done date:2611231011 stat:DELIVRD err:000 text:您好')).toEqual({
      messageId: 'a1b2',
      status: 'DELIVRD',
      error: '000',
    });
  });

  it('returns null for text that is not a receipt', () => {
    expect(parseDeliveryReceipt('1')).toBeNull();
  });
});
