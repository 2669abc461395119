import { Module } from '@nestjs/common';
import { OrgRepository, PostgresOrgRepository } from './org.repository';
import { OrgService } from './org.service';

/** Units, users and roles. Needs a TypeORM DataSource from the root. */
@Module({
  providers: [{ provide: OrgRepository, useClass: PostgresOrgRepository }, OrgService],
  exports: [OrgService, OrgRepository],
})
export class OrgModule {}
