import { Injectable, Logger } from '@nestjs/common';
import { Category, NewCategory } from './category.entity';
import { OrgConflictError, OrgErrorCode, OrgInvalidInputError, UnitNotFoundError, UserNotFoundError } from './org.errors';
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

  /** A category's code extends its parent's (market.consumer under market), as the seeded tree does. */
  async createCategory(input: NewCategory): Promise<Category> {
    if (input.parentId) {
      const parent = await this.repository.categoryById(input.parentId);
      if (!parent) throw new OrgInvalidInputError(OrgErrorCode.ParentCategoryMissing, `Parent category ${input.parentId} does not exist`, { parentId: input.parentId });
      if (!input.code.startsWith(`${parent.code}.`)) {
        throw new OrgInvalidInputError(OrgErrorCode.CategoryCodeOutsideParent, `Code ${input.code} must start with the parent's code ${parent.code}.`, {
          code: input.code,
          parent: parent.code,
        });
      }
    }
    const category = await this.repository.insertCategory(input);
    if (!category) throw new OrgConflictError(OrgErrorCode.CategoryCodeTaken, `Category code ${input.code} is taken`, { code: input.code });
    this.logger.log(`Category ${category.code} (${category.name}) created`);
    return category;
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
