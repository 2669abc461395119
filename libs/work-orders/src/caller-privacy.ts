import { Actor, hasRole, isUnitScoped, Role } from '@hotline/org';
import { WorkOrder } from './work-order.entity';

export type PhoneVisibility = 'full' | 'masked' | 'withheld';

export interface CallerVisibility {
  phone: PhoneVisibility;
  name: 'full' | 'withheld';
}

/** Roles allowed to see a caller's full number on an order's detail: those who call the caller back. */
const CONTACT_ROLES = [Role.Agent, Role.Supervisor, Role.Quality, Role.Reviewer, Role.UnitHandler] as const;

/**
 * What of the caller's identity an actor may see. A unit never learns a confidential caller's identity (a
 * reporter's identity never reaches the unit or person reported on, Bortala 第二十九条); lists always mask,
 * so browsing never reveals a number; full numbers are for the roles that contact callers, on one order.
 */
export function callerVisibility(actor: Actor, order: Pick<WorkOrder, 'confidential'>, mode: 'detail' | 'list'): CallerVisibility {
  if (isUnitScoped(actor.roles) && order.confidential) return { phone: 'withheld', name: 'withheld' };
  if (mode === 'list') return { phone: 'masked', name: 'full' };
  return { phone: hasRole(actor, ...CONTACT_ROLES) ? 'full' : 'masked', name: 'full' };
}

/** 13812341234 → 138****1234; shorter numbers keep less. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length >= 7) return `${digits.slice(0, 2)}****${digits.slice(-2)}`;
  return '****';
}

export function applyPhoneVisibility(phone: string, visibility: PhoneVisibility): string | null {
  if (visibility === 'withheld') return null;
  return visibility === 'masked' ? maskPhone(phone) : phone;
}

/** Fields whose reading is audited: a full number, or the name of a caller who asked for confidentiality. */
export function sensitiveFieldsRead(order: Pick<WorkOrder, 'confidential' | 'callerName'>, visibility: CallerVisibility): string[] {
  const fields: string[] = [];
  if (visibility.phone === 'full') fields.push('caller_phone');
  if (visibility.name === 'full' && order.confidential && order.callerName) fields.push('caller_name');
  return fields;
}
