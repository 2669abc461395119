import { Module } from '@nestjs/common';
import { AuthModule } from '@hotline/auth';
import { WorkOrdersModule } from '@hotline/work-orders';
import { AuthController } from '../auth/auth.controller';
import { OrgController } from '../org/org.controller';
import { ProgressController } from './progress.controller';
import { ReferenceDataController } from './reference-data.controller';
import { WorkOrdersController } from './work-orders.controller';

/**
 * The HTTP face of the work-order, org and auth contexts: mount this one module in the api's root module.
 * Needs ConfigModule, DatabaseModule and RedisModule from the root (as ApiModule provides them).
 */
@Module({
  imports: [WorkOrdersModule, AuthModule],
  controllers: [AuthController, OrgController, WorkOrdersController, ReferenceDataController, ProgressController],
})
export class WorkOrdersHttpModule {}
