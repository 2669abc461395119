import { Role } from './role.enum';

/** The person a command or query is performed for: from the login token, or a system job. */
export interface Actor {
  userId: string | null; // null: the system itself (timers)
  username: string;
  roles: Role[];
  unitId: string | null;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, username: 'system', roles: [Role.Admin], unitId: null });

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.roles.some((role) => roles.includes(role));
}
