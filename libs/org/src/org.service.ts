import { Injectable, Logger } from '@nestjs/common';
import { OrgConflictError, OrgErrorCode, UnitNotFoundError, UserNotFoundError } from './org.errors';
import { NewUnit, NewUser, OrgRepository } from './org.repository';
import { UNIT_ROLES } from './role.enum';
import { buildUnitTree, Unit, UnitKind, UnitTreeNode } from './unit.entity';
import { User } from './user.entity';

@Injectable()
export class OrgService {
  private readonly logger = new Logger(OrgService.name);

  constructor(private readonly repository: OrgRepository) {}

  async unitTree(): Promise<UnitTreeNode[]> {
    return buildUnitTree(await this.repository.units());
  }

  units(): Promise<Unit[]> {
    return this.repository.units();
  }

  async unit(id: string): Promise<Unit> {
    const unit = await this.repository.unitById(id);
    if (!unit) throw new UnitNotFoundError(id);
    return unit;
  }

  async createUnit(input: NewUnit): Promise<Unit> {
    if (input.parentId && !(await this.repository.unitById(input.parentId))) {
      throw new OrgConflictError(OrgErrorCode.ParentUnitMissing, `Parent unit ${input.parentId} does not exist`);
    }
    const unit = await this.repository.insertUnit(input);
    if (!unit) throw new OrgConflictError(OrgErrorCode.UnitCodeTaken, `Unit code ${input.code} is taken`, { code: input.code });
    this.logger.log(`Unit ${unit.code} (${unit.name}) created`);
    return unit;
  }

  users(): Promise<User[]> {
    return this.repository.users();
  }

  async user(id: string): Promise<User> {
    const user = await this.repository.userById(id);
    if (!user) throw new UserNotFoundError(id);
    return user;
  }

  /** `passwordHash` comes from the auth context; org never sees a password. */
  async createUser(input: NewUser): Promise<User> {
    const unit = await this.unit(input.unitId);
    const isCentreUnit = unit.kind === UnitKind.Centre || unit.kind === UnitKind.Management;
    if (isCentreUnit && input.roles.some((role) => UNIT_ROLES.has(role))) {
      throw new OrgConflictError(OrgErrorCode.UnitRoleOutsideUnit, 'Unit roles belong to users of a handling unit, not of the centre', {
        unit: unit.code,
      });
    }
    const user = await this.repository.insertUser(input);
    if (!user) throw new OrgConflictError(OrgErrorCode.UsernameTaken, `Username ${input.username} is taken`, { username: input.username });
    this.logger.log(`User ${user.username} created with roles ${user.roles.join(', ')} in ${unit.code}`);
    return user;
  }
}
