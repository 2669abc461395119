import { Body, Controller, Get, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrgService, Role, ROLES, UnitKind } from '@hotline/org';
import { AuthGuard, PasswordHasher, Roles } from '@hotline/auth';
import { z } from 'zod';
import { AuthenticatedErrors, JsonBody } from '../work-orders/api-docs';
import { ZodPipe } from '../work-orders/zod-request';

const unitSchema = z.strictObject({
  code: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'use lower-case letters, digits, . or -').max(64),
  name: z.string().trim().min(1, 'must not be empty').max(100),
  kind: z.enum(UnitKind),
  parentId: z.uuid('must be a UUID').nullable().default(null),
  regionCode: z.string().regex(/^\d{6}$/, 'must be a 6-digit GB/T 2260 code').nullable().default(null),
});

const categorySchema = z.strictObject({
  // The database's own rule: dot-separated lower-case segments, a child's code extending its parent's.
  code: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'use lower-case segments of letters, digits or - joined by .').max(100),
  name: z.string().trim().min(1, 'must not be empty').max(100),
  parentId: z.uuid('must be a UUID').nullable().default(null),
});

const userSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9._-]{3,64}$/, 'use 3 to 64 lower-case letters, digits, . _ or -'),
  displayName: z.string().trim().min(1, 'must not be empty').max(100),
  password: z.string().min(10, 'must be at least 10 characters').max(200),
  roles: z.array(z.enum(ROLES as [Role, ...Role[]])).min(1, 'must name at least one role'),
  unitId: z.uuid('must be a UUID'),
});

@ApiTags('org')
@UseGuards(AuthGuard)
@Controller()
export class OrgController {
  constructor(private readonly org: OrgService, private readonly hasher: PasswordHasher) {}

  @Get('units')
  @ApiOperation({ summary: 'Handling units as a tree (city → district → bureau or street office)' })
  @AuthenticatedErrors()
  units() {
    return this.org.unitTree();
  }

  @Post('units')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Create a unit' })
  @JsonBody(unitSchema)
  @AuthenticatedErrors()
  createUnit(@Body(new ZodPipe(unitSchema)) body: z.output<typeof unitSchema>) {
    return this.org.createUnit(body);
  }

  @Post('categories')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Create a matter category (事项分类); a child code extends its parent’s (market → market.food)' })
  @JsonBody(categorySchema)
  @AuthenticatedErrors()
  createCategory(@Body(new ZodPipe(categorySchema)) body: z.output<typeof categorySchema>) {
    return this.org.createCategory(body);
  }

  @Get('users')
  @Roles(Role.Admin, Role.Supervisor)
  @ApiOperation({ summary: 'Users with roles and unit (never password hashes)' })
  @AuthenticatedErrors()
  users() {
    return this.org.users();
  }

  @Post('users')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Create a user; the password is stored as an argon2id hash' })
  @JsonBody(userSchema)
  @AuthenticatedErrors()
  async createUser(@Body(new ZodPipe(userSchema)) body: z.output<typeof userSchema>) {
    const { password, ...rest } = body;
    return this.org.createUser({ ...rest, passwordHash: await this.hasher.hash(password) });
  }
}
