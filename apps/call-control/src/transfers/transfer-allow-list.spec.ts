import { Logger } from '@nestjs/common';
import { Clock } from '@hotline/common';
import { CallTransferRepository, TransferDestination } from './call-transfer.repository';
import { TransferAllowList } from './transfer-allow-list';

const POLICE: TransferDestination = { id: 'd-110', number: '110', name: '公安报警', emergency: true, ringTimeoutSeconds: 30 };
const FIRE: TransferDestination = { id: 'd-119', number: '119', name: '消防', emergency: true, ringTimeoutSeconds: 30 };

describe('TransferAllowList', () => {
  let read: jest.Mock<Promise<TransferDestination[]>, []>;
  let allowList: TransferAllowList;

  beforeEach(() => {
    read = jest.fn(async () => [POLICE, FIRE]);
    allowList = new TransferAllowList({ activeDestinations: read } as unknown as CallTransferRepository, { now: () => new Date('2026-12-03T08:00:00Z') } as Clock);
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

  it('warns once per outage, not on every transfer, and says when the list is read again', async () => {
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const told = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      await allowList.onApplicationBootstrap();
      read.mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      for (let transfer = 0; transfer < 3; transfer += 1) await allowList.byNumber('110');
      expect(warned).toHaveBeenCalledTimes(1);
      read.mockResolvedValue([POLICE]);
      await allowList.byNumber('110');
      expect(told).toHaveBeenCalledWith('Transfer allow-list read again (1 destinations); it was used as last read since 2026-12-03T08:00:00.000Z');
      read.mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      await allowList.byNumber('110');
      expect(warned).toHaveBeenCalledTimes(2);
    } finally {
      warned.mockRestore();
      told.mockRestore();
    }
  });

  it('refuses with the database error when the list was never read', async () => {
    read.mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    await expect(allowList.onApplicationBootstrap()).resolves.toBeUndefined();
    await expect(allowList.byNumber('110')).rejects.toThrow('ECONNREFUSED');
  });
});
