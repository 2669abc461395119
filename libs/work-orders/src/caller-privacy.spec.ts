import { Actor, Role } from '@hotline/org';
import { applyPhoneVisibility, callerVisibility, maskPhone, sensitiveFieldsRead } from './caller-privacy';

const actor = (...roles: Role[]): Actor => ({ userId: 'u', username: 'u', roles, unitId: 'x' });

describe('caller privacy', () => {
  it('masks mobile numbers as 138****1234', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('09962345678')).toBe('099****5678');
    expect(maskPhone('1234567')).toBe('12****67');
  });

  it('withholds a confidential caller from unit roles, on detail and in lists', () => {
    for (const role of [Role.UnitHandler, Role.UnitAdmin]) {
      expect(callerVisibility(actor(role), { confidential: true }, 'detail')).toEqual({ phone: 'withheld', name: 'withheld' });
      expect(callerVisibility(actor(role), { confidential: true }, 'list')).toEqual({ phone: 'withheld', name: 'withheld' });
    }
    expect(applyPhoneVisibility('13812341234', 'withheld')).toBeNull();
  });

  it('shows the full number on detail only to roles that contact callers', () => {
    for (const role of [Role.Agent, Role.Supervisor, Role.Quality, Role.Reviewer]) {
      expect(callerVisibility(actor(role), { confidential: true }, 'detail').phone).toBe('full');
    }
    expect(callerVisibility(actor(Role.UnitHandler), { confidential: false }, 'detail').phone).toBe('full');
    expect(callerVisibility(actor(Role.UnitAdmin), { confidential: false }, 'detail').phone).toBe('masked');
    expect(callerVisibility(actor(Role.Admin), { confidential: false }, 'detail').phone).toBe('masked');
  });

  it('masks every number in lists', () => {
    for (const role of [Role.Agent, Role.Reviewer, Role.UnitHandler, Role.Admin]) {
      expect(callerVisibility(actor(role), { confidential: false }, 'list').phone).toBe('masked');
    }
  });

  it('names the sensitive fields a view reveals, for the audit', () => {
    expect(sensitiveFieldsRead({ confidential: true, callerName: '张三' }, { phone: 'full', name: 'full' })).toEqual(['caller_phone', 'caller_name']);
    expect(sensitiveFieldsRead({ confidential: false, callerName: '张三' }, { phone: 'masked', name: 'full' })).toEqual([]);
  });
});
