import { CallTransferRepository, TransferDestination } from './call-transfer.repository';
import { TransferAllowList } from './transfer-allow-list';

const POLICE: TransferDestination = { id: 'd-110', number: '110', name: '公安报警', emergency: true, ringTimeoutSeconds: 30 };
const FIRE: TransferDestination = { id: 'd-119', number: '119', name: '消防', emergency: true, ringTimeoutSeconds: 30 };

describe('TransferAllowList', () => {
  let read: jest.Mock<Promise<TransferDestination[]>, []>;
  let allowList: TransferAllowList;

  beforeEach(() => {
    read = jest.fn(async () => [POLICE, FIRE]);
    allowList = new TransferAllowList({ activeDestinations: read } as unknown as CallTransferRepository);
  });

  it('reads the list afresh for every transfer, so a withdrawn destination is refused at once', async () => {
    expect(await allowList.byId('d-119')).toEqual(FIRE);
    read.mockResolvedValueOnce([POLICE]);
    expect(await allowList.byId('d-119')).toBeNull();
    expect(await allowList.byNumber('110')).toEqual(POLICE);
    expect(await allowList.numbers()).toEqual(new Set(['110', '119']));
    expect(read).toHaveBeenCalledTimes(4);
  });

  it('keeps transferring to 110 while Postgres is out, with the list as last read', async () => {
    await allowList.onApplicationBootstrap();
    read.mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    expect(await allowList.byNumber('110')).toEqual(POLICE);
    expect(await allowList.byId('d-119')).toEqual(FIRE);
    expect(await allowList.byId('d-unknown')).toBeNull();
  });

  it('refuses with the database error when the list was never read', async () => {
    read.mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    await expect(allowList.onApplicationBootstrap()).resolves.toBeUndefined();
    await expect(allowList.byNumber('110')).rejects.toThrow('ECONNREFUSED');
  });
});
