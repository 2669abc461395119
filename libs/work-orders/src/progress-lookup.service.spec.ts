import { AppConfig } from '@hotline/config';
import { FixedClock } from '@hotline/sla';
import { ProgressLookupService } from './progress-lookup.service';
import { InMemoryRateLimiter } from './rate-limiter';
import { Sql, TransactionRunner } from './pg-transaction';
import { WorkOrder } from './work-order.entity';
import { WorkOrderRepository } from './work-order.repository';
import { WorkOrderStatus } from './work-order.types';

const order = {
  number: '2026112300001',
  status: WorkOrderStatus.Handling,
  type: 'complaint',
  callerPhone: '13812345678',
  receivedAt: new Date('2026-11-23T01:00:00Z'),
  dispatchedAt: new Date('2026-11-23T02:00:00Z'),
  handleDueAt: new Date('2026-11-30T16:00:00Z'),
  repliedAt: null,
  closedAt: null,
} as unknown as WorkOrder;

class FakeTransactions extends TransactionRunner {
  run<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return work(this.sql());
  }
  sql(): Sql {
    return { query: async () => ({ rows: [], rowCount: 0 }) };
  }
}

describe('ProgressLookupService', () => {
  const repository = { findByNumber: async (_tx: Sql, number: string) => (number === order.number ? order : null) } as unknown as WorkOrderRepository;
  const config = { PROGRESS_LOOKUP_PER_MINUTE: 3 } as AppConfig;
  const clock = new FixedClock('2026-11-24T09:00:00+08:00');
  const service = () => new ProgressLookupService(new FakeTransactions(), repository, new InMemoryRateLimiter(() => clock.now().getTime()), config, clock);

  it('shows progress, not content or identity, for the right last 4 digits', async () => {
    const view = await service().lookup(order.number, '5678', 'client-a');
    expect(view).toEqual({
      number: order.number,
      status: 'handling',
      statusLabel: '办理中',
      type: 'complaint',
      receivedAt: '2026-11-23T01:00:00.000Z',
      dispatched: true,
      handleDueAt: '2026-11-30T16:00:00.000Z',
      deadlineState: 'on_time',
      repliedAt: null,
      closedAt: null,
    });
  });

  it('answers a wrong number and wrong digits the same way', async () => {
    const lookups = service();
    await expect(lookups.lookup(order.number, '0000', 'a')).rejects.toMatchObject({ code: 'WORK_ORDER_NOT_FOUND' });
    await expect(lookups.lookup('2026010100009', '5678', 'b')).rejects.toMatchObject({ code: 'WORK_ORDER_NOT_FOUND' });
  });

  it('limits attempts per order number even across clients, so the 4 digits cannot be guessed', async () => {
    const lookups = service();
    for (const client of ['a', 'b', 'c']) await expect(lookups.lookup(order.number, '1111', client)).rejects.toMatchObject({ code: 'WORK_ORDER_NOT_FOUND' });
    await expect(lookups.lookup(order.number, '5678', 'd')).rejects.toMatchObject({ code: 'TOO_MANY_LOOKUPS', details: { retryAfterSeconds: 60 } });
  });
});
