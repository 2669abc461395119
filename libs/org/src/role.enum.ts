/** Who someone is in the hotline's work: centre staff, handling-unit staff, administrators. */
export enum Role {
  Agent = 'agent', // 坐席/话务员
  Supervisor = 'supervisor', // 班长
  Quality = 'quality', // 质检
  Reviewer = 'reviewer', // centre reviewer (管理中心审核)
  UnitHandler = 'unit_handler', // 承办单位经办人
  UnitAdmin = 'unit_admin', // 承办单位管理员
  Admin = 'admin', // 系统管理员 / 热线管理机构
}

export const ROLES = Object.values(Role);

/** Roles that belong to a handling unit: they see only their unit's orders and never a reporter's identity. */
export const UNIT_ROLES: ReadonlySet<Role> = new Set([Role.UnitHandler, Role.UnitAdmin]);

/** Roles that work at the hotline centre (or administer it) and see across units. */
export const CENTRE_ROLES: ReadonlySet<Role> = new Set([Role.Agent, Role.Supervisor, Role.Quality, Role.Reviewer, Role.Admin]);

export function isUnitScoped(roles: readonly Role[]): boolean {
  return !roles.some((role) => CENTRE_ROLES.has(role));
}
