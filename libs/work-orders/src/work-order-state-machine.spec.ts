import { Role } from '@hotline/org';
import { formatWorkOrderNumber } from './work-order-number';
import { COMMAND_RULES, commandsFrom, WorkOrderCommand } from './work-order-state-machine';
import { WORK_ORDER_STATUSES, WorkOrderStatus } from './work-order.types';

describe('work-order state machine', () => {
  it('ends in archived, not accepted and transferred: only linking a call remains, and nothing after archiving', () => {
    expect(commandsFrom(WorkOrderStatus.Archived)).toEqual([]);
    expect(commandsFrom(WorkOrderStatus.NotAccepted)).toEqual([WorkOrderCommand.LinkCall]);
    expect(commandsFrom(WorkOrderStatus.Transferred)).toEqual([WorkOrderCommand.LinkCall]);
  });

  it('offers a way forward from every non-terminal status', () => {
    const terminal = [WorkOrderStatus.Archived, WorkOrderStatus.NotAccepted, WorkOrderStatus.Transferred];
    for (const status of WORK_ORDER_STATUSES.filter((s) => !terminal.includes(s))) {
      expect(commandsFrom(status).filter((command) => command !== WorkOrderCommand.LinkCall).length).toBeGreaterThan(0);
    }
  });

  it('keeps unit-side commands with unit roles and centre decisions with centre roles', () => {
    for (const command of [WorkOrderCommand.Sign, WorkOrderCommand.Return, WorkOrderCommand.Reply, WorkOrderCommand.RequestExtension]) {
      expect(COMMAND_RULES[command].roles).toEqual([Role.UnitHandler, Role.UnitAdmin]);
      expect(COMMAND_RULES[command].unitScope).toBe('lead');
    }
    for (const command of [WorkOrderCommand.Review, WorkOrderCommand.DecideExtension, WorkOrderCommand.DecideReturn]) {
      expect(COMMAND_RULES[command].roles.some((role) => role === Role.UnitHandler || role === Role.UnitAdmin)).toBe(false);
    }
  });
});

describe('work-order number', () => {
  it('is the China-time date and a 5-digit daily sequence', () => {
    expect(formatWorkOrderNumber(new Date('2026-11-23T01:00:00Z'), 1)).toBe('2026112300001');
    // 17:00 UTC is already the next day in China.
    expect(formatWorkOrderNumber(new Date('2026-11-23T17:00:00Z'), 42)).toBe('2026112400042');
    expect(() => formatWorkOrderNumber(new Date(), 100_000)).toThrow(RangeError);
  });
});
